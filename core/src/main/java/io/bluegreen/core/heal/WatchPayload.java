package io.bluegreen.core.heal;

import java.util.List;

/**
 * What a Consul watch handed us, validated: its type and the check verdicts it carried for our service.
 * Only a trigger: the heal re-reads health from Consul before acting (payloads can be stale or replayed).
 */
public record WatchPayload(String type, List<Verdict> verdicts) {

    public record Verdict(String serviceId, String status) {
    }

    public long critical() {
        return verdicts.stream().filter(v -> v.status().equals("critical")).count();
    }
}
