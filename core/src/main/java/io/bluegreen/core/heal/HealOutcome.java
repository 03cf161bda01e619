package io.bluegreen.core.heal;

/** What one heal did: {@code action} is the decision, {@code outcome} one of none, healed, handed-off, skipped, failed. */
public record HealOutcome(HealDecision.Action action, String outcome, String reason, long durationMs) {

    public boolean failed() {
        return outcome.equals("failed");
    }
}
