package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.engine.port.StateStore;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

public class WatchGateTest {
    private final List<String> warnings = new ArrayList<>();
    private static final String CRITICAL = """
            [{"Node":"n","CheckID":"service:vote-blue-1","Status":"critical","ServiceID":"vote-blue-1","ServiceName":"vote"}]""";

    /** Notes only: all the replay guard uses. */
    private static StateStore notes() {
        Map<String, String> kv = new HashMap<>();
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "readNote" -> Optional.ofNullable(kv.get(args[0] + "/" + args[1]));
                    case "writeNote" -> kv.put(args[0] + "/" + args[1], (String) args[2]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static byte[] body(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void theTokenMustMatchExactly() {
        Secret secret = new Secret("0123456789abcdef");
        assertTrue(WatchGate.tokenMatches("0123456789abcdef", secret));
        assertFalse(WatchGate.tokenMatches("0123456789abcdeF", secret));
        assertFalse(WatchGate.tokenMatches("0123456789abcdef0", secret));
        assertFalse(WatchGate.tokenMatches(null, secret));
        assertEquals("no X-Bluegreen-Token header", WatchGate.refusal(null));
        assertEquals("wrong X-Bluegreen-Token", WatchGate.refusal("guess"));
    }

    @Test
    public void admitsANewIndexOnceAndRefusesReplays() {
        WatchIndexes indexes = new WatchIndexes(notes(), warnings::add);
        WatchGate.Answer first = WatchGate.admit("vote", body(CRITICAL), "12", indexes::accept);
        assertTrue(first.admitted());
        assertEquals(202, first.status());
        assertEquals(12, first.index());
        assertEquals(1, first.payload().critical());
        assertEquals(409, WatchGate.admit("vote", body(CRITICAL), "12", indexes::accept).status());
        assertEquals(409, WatchGate.admit("vote", body(CRITICAL), "11", indexes::accept).status());
        assertEquals(202, WatchGate.admit("vote", body("[]"), "13", indexes::accept).status());
    }

    @Test
    public void aCorruptIndexNoteIsSaidAndTheServiceStartsAfresh() {
        StateStore store = notes();
        store.writeNote("vote", WatchIndexes.NOTE, "not-a-number\u001b[31m");
        WatchIndexes indexes = new WatchIndexes(store, warnings::add);
        assertEquals(202, WatchGate.admit("vote", body(CRITICAL), "3", indexes::accept).status());
        assertEquals(List.of("heal-server: bluegreen/vote/notes/heal-server-index holds 'not-a-number?[31m', not a watch"
                + " index; starting afresh: the next watch POST for vote is taken"), warnings);
        assertEquals("3", store.readNote("vote", WatchIndexes.NOTE).orElseThrow());
    }

    @Test
    public void refusesOversizedBodiesMissingIndexesAndBadPayloads() throws Exception {
        WatchIndexes indexes = new WatchIndexes(notes(), warnings::add);
        byte[] huge = WatchGate.readBody(new ByteArrayInputStream(new byte[WatchPayloads.MAX_BYTES + 100]));
        assertEquals(WatchPayloads.MAX_BYTES + 1, huge.length);
        assertEquals(413, WatchGate.admit("vote", huge, "1", indexes::accept).status());
        assertEquals(400, WatchGate.admit("vote", body(CRITICAL), null, indexes::accept).status());
        assertEquals(400, WatchGate.admit("vote", body(CRITICAL), "twelve", indexes::accept).status());
        WatchGate.Answer bad = WatchGate.admit("vote", body("{\"not\":\"an array\"}"), "2", indexes::accept);
        assertEquals(400, bad.status());
        assertFalse(bad.admitted());
    }
}
