package io.bluegreen.core.heal;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What one heal did: {@code action} is the decision, {@code result} how it ended. */
public record HealOutcome(HealDecision.Action action, @JsonProperty("outcome") Result result, String reason, long durationMs) {

    public enum Result {
        /** Nothing had failed (or it recovered within the grace period). */
        NONE,
        HEALED,
        /** A Jenkins job was asked to act instead. */
        HANDED_OFF,
        /** Already handled, or over the rate limit. */
        SKIPPED,
        FAILED,
        /** Interrupted for a more urgent heal, and undone. */
        PREEMPTED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** How logs, the history and JSON name the result: none, healed, handed-off, skipped, failed, preempted. */
    @JsonIgnore
    public String outcome() {
        return result.label();
    }

    @JsonIgnore
    public boolean failed() {
        return result == Result.FAILED;
    }
}
