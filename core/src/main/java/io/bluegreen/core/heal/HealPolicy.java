package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Observed;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Versioned;
import java.util.List;
import java.util.Optional;

/**
 * Decides the corrective action from what Consul says now (never from a watch payload alone). Pure: the
 * same input gives the same decision, and the plain unit tests cover every branch.
 */
public final class HealPolicy {
    private HealPolicy() {
    }

    public static HealDecision decide(ServiceState state, List<Instance> instances) {
        return decide(new Observed(state.service(), new Versioned<>(state, 0), List.of(), instances, true));
    }

    /**
     * From one observation: a replica has failed when Consul no longer has it, calls it critical, or its container or
     * task is no longer running (seen before Consul's next check).
     */
    public static HealDecision decide(Observed o) {
        ServiceState state = o.state();
        Optional<Color> activeColor = state.activeColor();
        if (activeColor.isEmpty()) {
            return new HealDecision(HealDecision.Action.NONE, null, List.of(), "nothing is deployed");
        }
        Color active = activeColor.get();
        List<String> activeFailed = failed(state.color(active), o);
        int activeCount = state.color(active).map(c -> c.replicaIds().size()).orElse(0);
        Color standby = active.other();
        Optional<ColorState> standbyState = state.color(standby);
        List<String> standbyFailed = failed(standbyState, o);

        if (activeFailed.isEmpty()) {
            if (standbyState.isPresent() && !standbyFailed.isEmpty()) {
                return new HealDecision(HealDecision.Action.REPLACE, standby, standbyFailed,
                        standbyFailed.size() + " of the " + (state.inPreview().isPresent() ? standby.label() + " preview"
                                : "warm " + standby.label() + " standby") + " failed: " + String.join(", ", standbyFailed));
            }
            return new HealDecision(HealDecision.Action.NONE, active, List.of(),
                    "all " + activeCount + " replicas of " + active.label() + " pass");
        }
        if (activeFailed.size() < activeCount) {
            return new HealDecision(HealDecision.Action.REPLACE, active, activeFailed,
                    activeFailed.size() + " of " + activeCount + " " + active.label() + " replicas failed: "
                            + String.join(", ", activeFailed));
        }
        // The same bar the rollback holds a standby to: every replica passing, not only not critical. A color in
        // preview was never promoted: users are not sent to it by a heal.
        boolean inPreview = state.inPreview().map(p -> p.previewColor() == standby).orElse(false);
        if (!inPreview && standbyState.isPresent() && !standbyState.get().replicaIds().isEmpty()
                && standbyState.get().replicaIds().stream().allMatch(o::serving)) {
            return new HealDecision(HealDecision.Action.FAIL_BACK, active, activeFailed,
                    "every " + active.label() + " replica failed; the " + standby.label() + " standby ("
                            + standbyState.get().version() + ") passes");
        }
        return new HealDecision(HealDecision.Action.REDEPLOY, active, activeFailed,
                "every " + active.label() + " replica failed and there is no healthy standby");
    }

    /** Replicas the state says should run that have failed (warning still serves). */
    private static List<String> failed(Optional<ColorState> color, Observed o) {
        return color.map(c -> c.replicaIds().stream().filter(o::failed).sorted().toList()).orElse(List.of());
    }

    /**
     * How urgent a decision is, for preemption: a running heal is interrupted only by a strictly more urgent one.
     * Traffic first: a dead active color beside a passing standby (fail back: 4) outranks a redeploy of a dead active
     * color (3), which outranks replacing some active replicas (2), which outranks repairing the standby (1).
     */
    public static int urgency(HealDecision d, ServiceState state) {
        return switch (d.action()) {
            case NONE -> 0;
            case REPLACE, REPLACE_DEGRADED -> state.activeColor().map(a -> a == d.color()).orElse(false) ? 2 : 1;
            case REDEPLOY, ROLLBACK_DEGRADED -> 3;
            case FAIL_BACK -> 4;
        };
    }
}
