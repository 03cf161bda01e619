package io.bluegreen.core.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A release started again from what was recorded, no spec: a heal's redeploy of the active version when every active
 * replica failed and no standby is healthy, and {@code rollback --to VERSION}, an older version from the history.
 * Both take the normal gated deploy transition into the idle color.
 */
public final class Redeployment {
    /** How far back `rollback --to` looks for the version. */
    static final int HISTORY_DEPTH = 200;
    private final Systems sys;
    private final DeployListener listener;

    public Redeployment(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    public DeployResult redeploy(String service, Duration lockWait, Cancellation cancel) {
        return run(OperationKind.REDEPLOY, service, null, lockWait, cancel, (observed, active, p) ->
                Release.recorded(observed.state(), active, RecordedEnvironment.copy(observed, active, sys.cluster())));
    }

    /**
     * {@code version}'s last successful release in the history, with its image (pulled if missing, and refused if its
     * tag now names other content than was released) and recipe, and the active color's environment.
     */
    public DeployResult rollbackTo(String service, String version, Duration lockWait) {
        return run(OperationKind.ROLLBACK_TO, service, version, lockWait, Cancellation.NEVER, (observed, active, p) -> {
            List<HistoryRecord> history = sys.store().history(service, HISTORY_DEPTH);
            HistoryRecord released = history.stream().filter(h -> version.equals(h.version()) && h.image() != null
                            && Outcome.SUCCEEDED.label().equals(h.outcome()) && RELEASES.contains(h.kind())).findFirst()
                    .orElseThrow(() -> new RefusedException("no successful release of " + service + " " + version
                            + " in its last " + HISTORY_DEPTH + " history records (released: " + String.join(", ", history.stream()
                            .filter(h -> Outcome.SUCCEEDED.label().equals(h.outcome()) && RELEASES.contains(h.kind()))
                            .map(HistoryRecord::version).distinct().toList()) + ")"));
            String digest = p.run(Phase.PULL, "making sure " + released.image() + " is present",
                    () -> sys.images().ensurePresent(released.image(), p.sink(Phase.PULL)));
            if (released.digest() != null && !released.digest().equals(digest)) {
                throw new PhaseFailure(released.image() + " now names " + digest + ", not " + released.digest() + " that "
                        + version + " was released with; refusing to release other content under its name");
            }
            ColorState then = new ColorState(version, released.image(), digest, active.deployId(), active.replicas(),
                    List.of(), List.of(), null, null, released.recipe() != null ? released.recipe() : active.recipe(), null);
            return Release.recorded(observed.state(), then, RecordedEnvironment.copy(observed, active, sys.cluster()));
        });
    }

    private static final Set<String> RELEASES = Set.of(OperationKind.DEPLOY.label(), OperationKind.REDEPLOY.label(),
            OperationKind.ROLLBACK_TO.label(), OperationKind.PROMOTE.label());

    /** Makes the release once the active color is known; may run phases of its own (a pull). */
    @FunctionalInterface
    private interface Recorded {
        Release release(Observed observed, ColorState active, PhaseClock pc);
    }

    private DeployResult run(OperationKind kind, String service, String version, Duration lockWait, Cancellation cancel,
                             Recorded recorded) {
        String opId = DeployIds.next(sys.clock());
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, opId);
        TransitionRunner.Request request = new TransitionRunner.Request(kind, service, version, null, lockWait, cancel,
                (observed, p) -> {
                    ServiceState state = observed.state();
                    Color active = state.activeColor().orElseThrow(() ->
                            new RefusedException(service + " has no active color: nothing was ever deployed"));
                    ColorState cs = state.color(active).orElseThrow(() ->
                            new RefusedException("the state of " + service + " records no " + active.label() + " color"));
                    return Optional.of(Planner.deploy(observed, recorded.release(observed, cs, p), kind, opId,
                            sys.clock().instant()));
                });
        return new TransitionRunner(sys).run(pc, request).result(pc);
    }
}
