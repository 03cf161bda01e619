package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class WatchGateTest {
    private static final String CRITICAL = """
            [{"Node":"n","CheckID":"service:vote-blue-1","Status":"critical","ServiceID":"vote-blue-1","ServiceName":"vote"}]""";

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
    public void theIndexIsAHintTheLastOneHandledHasNothingNewAnyOtherIsTaken() {
        WatchIndexes indexes = new WatchIndexes();
        WatchGate.Answer first = WatchGate.admit("vote", body(CRITICAL), "12", indexes::accept);
        assertTrue(first.admitted());
        assertEquals(202, first.status());
        assertEquals(12, first.index());
        assertEquals(1, first.payload().critical());
        WatchGate.Answer again = WatchGate.admit("vote", body(CRITICAL), "12", indexes::accept);
        assertFalse(again.admitted());
        assertEquals(200, again.status());
        assertEquals("a lower index (a new Consul leader) is taken", 202, WatchGate.admit("vote", body(CRITICAL), "11", indexes::accept)
                .status());
        assertEquals("per service", 202, WatchGate.admit("api", body("[]"), "11", indexes::accept).status());
        assertEquals(202, WatchGate.admit("vote", body("[]"), "13", indexes::accept).status());
    }

    @Test
    public void refusesOversizedBodiesMissingIndexesAndBadPayloads() throws Exception {
        WatchIndexes indexes = new WatchIndexes();
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
