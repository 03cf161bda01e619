package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.ServiceState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides the corrective action from what Consul says now (never from a watch payload alone). Pure: the
 * same input gives the same decision, and the plain unit tests cover every branch.
 */
public final class HealPolicy {
    private HealPolicy() {
    }

    public static HealDecision decide(ServiceState state, List<Instance> instances) {
        Optional<Color> activeColor = state.activeColor();
        if (activeColor.isEmpty()) {
            return new HealDecision(HealDecision.Action.NONE, null, List.of(), "nothing is deployed");
        }
        Color active = activeColor.get();
        Map<String, Instance> byId = instances.stream().collect(Collectors.toMap(Instance::id, Function.identity(), (a, b) -> a));
        List<String> activeFailed = failed(state.color(active), byId);
        int activeCount = state.color(active).map(c -> c.replicaIds().size()).orElse(0);
        Color standby = active.other();
        Optional<ColorState> standbyState = state.color(standby);
        List<String> standbyFailed = failed(standbyState, byId);

        if (activeFailed.isEmpty()) {
            if (standbyState.isPresent() && !standbyFailed.isEmpty()) {
                return new HealDecision(HealDecision.Action.REPLACE, standby, standbyFailed,
                        standbyFailed.size() + " of the warm " + standby.label() + " standby failed: " + String.join(", ", standbyFailed));
            }
            return new HealDecision(HealDecision.Action.NONE, active, List.of(),
                    "all " + activeCount + " replicas of " + active.label() + " pass");
        }
        if (activeFailed.size() < activeCount) {
            return new HealDecision(HealDecision.Action.REPLACE, active, activeFailed,
                    activeFailed.size() + " of " + activeCount + " " + active.label() + " replicas failed: "
                            + String.join(", ", activeFailed));
        }
        if (standbyState.isPresent() && !standbyState.get().replicaIds().isEmpty() && standbyFailed.isEmpty()) {
            return new HealDecision(HealDecision.Action.FAIL_BACK, active, activeFailed,
                    "every " + active.label() + " replica failed; the " + standby.label() + " standby ("
                            + standbyState.get().version() + ") passes");
        }
        return new HealDecision(HealDecision.Action.REDEPLOY, active, activeFailed,
                "every " + active.label() + " replica failed and there is no healthy standby");
    }

    /** Replicas the state says should run that are missing from Consul or critical there (warning still serves). */
    private static List<String> failed(Optional<ColorState> color, Map<String, Instance> byId) {
        return color.map(c -> c.replicaIds().stream().filter(id -> {
            Instance i = byId.get(id);
            return i == null || i.health() == Instance.Health.CRITICAL;
        }).sorted().toList()).orElse(List.of());
    }
}
