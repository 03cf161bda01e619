package io.bluegreen.core.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code bluegreen rollback}, and a heal's fail-back: a pure traffic flip back to the warm standby color, refused
 * unless every standby replica is registered, running and passing. No container is started.
 */
public final class StandbyRollback {
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);
    private final Systems sys;
    private final DeployListener listener;

    public StandbyRollback(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    public DeployResult rollback(String service) {
        return rollback(service, OperationKind.ROLLBACK, LOCK_WAIT, Cancellation.NEVER);
    }

    /** {@code kind} is ROLLBACK (a person) or FAIL_BACK (a heal). */
    public DeployResult rollback(String service, OperationKind kind, Duration lockWait, Cancellation cancel) {
        return rollback(service, kind, lockWait, cancel, OptionalLong.empty());
    }

    /**
     * A person's rollback decided on the state they saw ({@code seenIndex}, its KV modify index): refused, under the
     * lock, when the state has moved on since (a retry after a lost answer, a second person, a heal), so a rollback
     * asked once is done once and never flips traffic back to the release being left.
     */
    public DeployResult rollbackFromSeen(String service, long seenIndex) {
        return rollback(service, OperationKind.ROLLBACK, LOCK_WAIT, Cancellation.NEVER, OptionalLong.of(seenIndex));
    }

    private DeployResult rollback(String service, OperationKind kind, Duration lockWait, Cancellation cancel,
                                  OptionalLong seenIndex) {
        String opId = DeployIds.next(sys.clock());
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, opId);
        pc.run(Phase.PREFLIGHT, "checking Consul", () -> sys.store().ping());
        TransitionRunner.Request request = new TransitionRunner.Request(kind, service, null, null, lockWait, cancel,
                (observed, p) -> {
                    seenIndex.ifPresent(seen -> Planner.requireUnchanged(observed, seen));
                    return Optional.of(Planner.rollback(observed, kind, opId));
                });
        return new TransitionRunner(sys).run(pc, request).result(pc);
    }
}
