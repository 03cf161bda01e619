package io.bluegreen.core.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A heal's replacement of failed replicas of one color: new replicas from the recorded recipe and a surviving
 * replica's environment ({@link RecordedEnvironment}), gated, routed if the color is active, committed; only then are the failed ones retired.
 * Where the cluster cannot start part of a deploy, the planner renews the whole color instead.
 */
public final class ReplicaReplacement {
    private final Systems sys;
    private final DeployListener listener;

    public ReplicaReplacement(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    /** Returns the IDs of the new replicas (empty when, under the lock, nothing had failed any more). */
    public List<String> replace(String service, Color color, List<String> failedIds, Duration lockWait) {
        return replace(service, color, failedIds, lockWait, Cancellation.NEVER);
    }

    public List<String> replace(String service, Color color, List<String> failedIds, Duration lockWait, Cancellation cancel) {
        return replace(service, color, failedIds, lockWait, cancel, false);
    }

    /**
     * With {@code degraded}, the replicas are replaced while they still pass their checks (a trend rule saw them degrade
     * against their siblings), as long as they are still registered; otherwise only those that still failed.
     */
    public List<String> replace(String service, Color color, List<String> failedIds, Duration lockWait, Cancellation cancel,
                                boolean degraded) {
        String opId = DeployIds.next(sys.clock());
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, opId);
        TransitionRunner.Request request = new TransitionRunner.Request(OperationKind.REPLACE, service, null, null, lockWait,
                cancel, (observed, p) -> {
                    Predicate<String> due = degraded ? id -> observed.instance(id).isPresent() : observed::failed;
                    if (Planner.stillDue(observed, color, failedIds, due).isEmpty()) {
                        pc.result("nothing to replace: the " + (degraded ? "degraded" : "failed")
                                + " replicas recovered or were replaced meanwhile", 0);
                        return Optional.empty();
                    }
                    ColorState cs = observed.state().color(color).orElseThrow(() -> new RefusedException("the state of "
                            + service + " records no " + color.label() + " color"));
                    return Planner.replace(observed, color, failedIds, RecordedEnvironment.copy(observed, cs, sys.cluster()),
                            opId, due);
                });
        return new TransitionRunner(sys).run(pc, request).started().stream().map(Replica::id).toList();
    }
}
