package io.bluegreen.core.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bluegreen.core.spec.InvalidSpecException;
import java.util.Set;

/**
 * What a Consul watch, or anyone who can reach the heal server, hands the payload parser: it returns verdicts of known
 * statuses for the service asked about, or refuses with a message of its own; nothing else escapes it.
 */
class WatchPayloadsFuzzTest {
    private static final Set<String> TYPES = Set.of("empty", "checks", "service");
    private static final Set<String> STATUSES = Set.of("passing", "warning", "critical", "maintenance");

    @FuzzTest(maxDuration = "60s")
    void parse(FuzzedDataProvider data) {
        String service = data.pickValue(new String[] {"vote", "web", ""});
        String text = data.consumeRemainingAsString();
        WatchPayload p;
        try {
            p = WatchPayloads.parse(text, service);
        } catch (InvalidSpecException e) {
            assertTrue(e.getMessage().startsWith("invalid input:\n  - watch payload: "), e.getMessage());
            return;
        }
        assertTrue(TYPES.contains(p.type()), p.type());
        for (WatchPayload.Verdict v : p.verdicts()) {
            assertNotNull(v.serviceId());
            assertTrue(STATUSES.contains(v.status()), v.status());
        }
        assertEquals(p.verdicts().stream().filter(v -> v.status().equals("critical")).count(), p.critical());
    }
}
