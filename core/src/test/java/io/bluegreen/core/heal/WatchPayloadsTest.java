package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.bluegreen.core.spec.InvalidSpecException;
import org.junit.Test;

public class WatchPayloadsTest {
    @Test
    public void readsAChecksWatchKeepingOnlyOurService() {
        String json = """
                [{"Node":"n","CheckID":"serfHealth","Status":"passing","ServiceID":"","ServiceName":""},
                 {"Node":"n","CheckID":"service:vote-blue-1","Status":"critical","ServiceID":"vote-blue-1","ServiceName":"vote","Output":"500"},
                 {"Node":"n","CheckID":"service:api-1","Status":"critical","ServiceID":"api-1","ServiceName":"api"}]""";
        WatchPayload p = WatchPayloads.parse(json, "vote");
        assertEquals("checks", p.type());
        assertEquals(1, p.verdicts().size());
        assertEquals(1, p.critical());
        assertEquals("vote-blue-1", p.verdicts().get(0).serviceId());
    }

    @Test
    public void readsAServiceWatchWithTheWorstCheckPerInstance() {
        String json = """
                [{"Node":{"Node":"n"},"Service":{"ID":"vote-green-1","Service":"vote"},
                  "Checks":[{"CheckID":"serfHealth","Status":"passing"},{"CheckID":"service:vote-green-1","Status":"critical"}]},
                 {"Node":{"Node":"n"},"Service":{"ID":"vote-green-2","Service":"vote"},"Checks":[{"CheckID":"c","Status":"warning"}]}]""";
        WatchPayload p = WatchPayloads.parse(json, "vote");
        assertEquals("service", p.type());
        assertEquals("critical", p.verdicts().get(0).status());
        assertEquals("warning", p.verdicts().get(1).status());
    }

    @Test
    public void theStartUpFiringWithNothingIsValid() {
        assertEquals(0, WatchPayloads.parse("[]", "vote").verdicts().size());
        assertEquals(0, WatchPayloads.parse("", "vote").verdicts().size());
    }

    @Test
    public void badPayloadsAreRefusedWithAReason() {
        String[][] cases = {
                {"{\"a\":1}", "JSON array"},
                {"not json", "not JSON"},
                {"[1,2]", "not an object"},
                {"[{\"Foo\":1}]", "no CheckID"},
                {"[{\"CheckID\":\"x\",\"Status\":\"exploded\",\"ServiceName\":\"vote\",\"ServiceID\":\"x\"}]", "Status 'exploded'"},
                {"[{\"CheckID\":\"x\",\"Status\":\"critical\",\"ServiceName\":\"vote\"}]", "ServiceID"},
                {"[{\"Service\":{\"ID\":\"x\",\"Service\":\"vote\"}}]", "lacks Service or Checks"},
                {"[" + "{\"CheckID\":\"x\",\"Status\":\"passing\"},".repeat(10_001) + "{\"CheckID\":\"x\",\"Status\":\"passing\"}]", "more than"},
        };
        for (String[] c : cases) {
            try {
                WatchPayloads.parse(c[0], "vote");
                fail("accepted: " + c[0].substring(0, Math.min(60, c[0].length())));
            } catch (InvalidSpecException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("watch payload") && e.getMessage().contains(c[1]));
            }
        }
        try {
            WatchPayloads.parse("[" + " ".repeat(WatchPayloads.MAX_BYTES) + "]", "vote");
            fail();
        } catch (InvalidSpecException e) {
            assertTrue(e.getMessage().contains("larger than"));
        }
    }
}
