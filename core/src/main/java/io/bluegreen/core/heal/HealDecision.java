package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Color;
import java.util.List;

/** What the heal policy concluded, with the reason in words for the log, the history and Jenkins. */
public record HealDecision(Action action, Color color, List<String> failed, String reason) {

    public enum Action {
        /** Everything the state says should run passes. */
        NONE,
        /** Some replicas of a color failed, others pass: replace only the failed ones, in place. */
        REPLACE,
        /** Every active replica failed and the standby is warm and passing: flip to it, then repair. */
        FAIL_BACK,
        /** Every active replica failed and no healthy standby: deploy the active version again, gated. */
        REDEPLOY,
        /**
         * A replica still passes its check but degrades against its siblings (a trend in the metrics history: its
         * latency or 5xx share): replace it in place before Consul calls it critical.
         */
        REPLACE_DEGRADED,
        /**
         * The whole active color, released a short while ago, degrades against what the warm standby did before the
         * flip (its 5xx share), while its checks still pass: flip back to the standby.
         */
        ROLLBACK_DEGRADED;

        /** "fail-back": how logs, the history and a healing job's ACTION parameter name it. */
        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }
}
