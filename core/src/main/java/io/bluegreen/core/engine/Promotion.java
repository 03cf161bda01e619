package io.bluegreen.core.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code bluegreen promote} and {@code bluegreen abort}: the color waiting in preview takes production traffic, or is
 * dropped. {@link #settleDue} carries out what a preview's deadlines ask for (abort past its timeout, promote past its
 * bake time); every command on the service and the heal server call it, so a forgotten preview does not linger.
 */
public final class Promotion {
    private final Systems sys;
    private final DeployListener listener;

    public Promotion(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    public DeployResult promote(String service, Duration lockWait) {
        return run(OperationKind.PROMOTE, service, lockWait, "");
    }

    public DeployResult abort(String service, Duration lockWait) {
        return run(OperationKind.ABORT, service, lockWait, "");
    }

    /** A deadline carried out: {@code kind} is PROMOTE or ABORT. */
    public record Settled(OperationKind kind, DeployResult result) {
        public String describe() {
            return (kind == OperationKind.PROMOTE ? "promoted " : "aborted ") + result.color() + " (" + result.version()
                    + ") of " + result.service() + (kind == OperationKind.PROMOTE ? ": its bake time was over"
                    : ": it was not promoted before its promotion.timeout");
        }
    }

    /**
     * What the preview's deadlines ask for at this moment, done: empty when nothing is due (one KV read). The plan
     * looks again under the lock, so a preview promoted or aborted meanwhile is left alone.
     */
    public Optional<Settled> settleDue(String service, Duration lockWait) {
        Optional<OperationKind> due = sys.store().readState(service).value().inPreview().flatMap(p -> p.due(sys.clock().instant()));
        if (due.isEmpty()) {
            return Optional.empty();
        }
        String why = due.get() == OperationKind.ABORT ? "past its promotion.timeout: " : "its bake time (promotion.after) is over: ";
        return Optional.of(new Settled(due.get(), run(due.get(), service, lockWait, why)));
    }

    private DeployResult run(OperationKind kind, String service, Duration lockWait, String why) {
        String opId = DeployIds.next(sys.clock());
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, opId);
        pc.run(Phase.PREFLIGHT, "checking Consul", () -> sys.store().ping());
        boolean deadline = !why.isEmpty();
        TransitionRunner.Request request = new TransitionRunner.Request(kind, service, null, null, lockWait,
                Cancellation.NEVER, (observed, p) -> {
                    if (deadline && observed.state().inPreview().flatMap(s -> s.due(sys.clock().instant()))
                            .filter(k -> k == kind).isEmpty()) {
                        return Optional.empty(); // someone promoted or aborted it meanwhile
                    }
                    return Optional.of(kind == OperationKind.PROMOTE ? Planner.promote(observed, opId, why)
                            : Planner.abort(observed, opId, why));
                });
        TransitionRunner.Finished done = new TransitionRunner(sys).run(pc, request);
        if (done.transition().isEmpty()) {
            throw new RefusedException("nothing is due: the preview of " + service + " was promoted or aborted meanwhile");
        }
        return done.result(pc);
    }
}
