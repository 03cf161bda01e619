package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.ServiceLock;
import io.bluegreen.core.engine.port.StoredDataException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one path every operation takes: lock → repair → observe → plan, then the {@link Execution} of the plan: journal →
 * start and register → gate → preview route and pre-promotion hooks → route (in canary steps) and check-and-set commit
 * → verify and post-promotion hooks → retire → history. Each acting step is journalled in KV before it acts; any
 * failure before retire (or a cancellation for a more urgent operation) goes to the one undo, {@link UndoPhase}, which
 * removes exactly what carries this operation's ID.
 */
public final class TransitionRunner {
    private final Systems sys;

    public TransitionRunner(Systems sys) {
        this.sys = sys;
    }

    /** Makes the transition once the lock is held and the service observed; empty: nothing to do. */
    @FunctionalInterface
    interface PlanStep {
        Optional<Transition> plan(Observed observed, PhaseClock pc);
    }

    /** What to run; {@code version} and {@code image} name it in the history when planning fails. */
    record Request(OperationKind kind, String service, String version, String image, Duration lockWait,
                   Cancellation cancel, PlanStep plan) {
    }

    /** What a finished transition did; {@code transition} is empty when the plan found nothing to do. */
    record Finished(Optional<Transition> transition, List<Replica> started, FlipFigures flip, List<String> warnings,
                   long durationMs) {

        DeployResult result(PhaseClock pc) {
            Transition t = transition.orElseThrow();
            boolean inPreview = t.commit().preview() != null;
            return new DeployResult(t.service(), t.opId(), t.color().label(), t.previous() == null ? null : t.previous().label(),
                    t.version(), t.image(), t.digest(), durationMs, pc.timings(), warnings, flip, inPreview,
                    inPreview ? t.control().previewUrl() : null);
        }
    }

    Finished run(PhaseClock pc, Request q) {
        long t0 = System.nanoTime();
        String startedAt = pc.now();
        try (ServiceLock.Lease lease = pc.run(Phase.LOCK, "locking bluegreen/" + q.service() + "/lock",
                () -> sys.lock().acquire(q.service(), holder(q.kind(), pc.operationId()), q.lockWait(), pc.sink(Phase.LOCK)))) {
            repair(q, pc);
            Observed observed;
            Optional<Transition> planned;
            try {
                observed = pc.run(Phase.RESOLVE, "reading bluegreen/" + q.service() + "/state, its replicas and their health",
                        () -> observe(q.service(), q.kind().readsReplicas()));
                planned = q.plan().plan(observed, pc);
                planned.ifPresent(t -> LiveTraffic.requireAgreement(observed, t, sys.routerFor().apply(t.route().router()),
                        sys.clock().instant()));
            } catch (RuntimeException e) {
                boolean untrusted = e instanceof StoredDataException || e instanceof UntrustedStateException;
                if (!(e instanceof RefusedException) && !(e instanceof StoredDataException)) {
                    new HistoryWriter(sys, pc).writeUnplanned(q.kind(), q.version(), q.image(), Outcome.FAILED,
                            "nothing was changed: " + e.getMessage(), startedAt, t0);
                }
                throw e instanceof SystemUnreachableException || e instanceof RefusedException || untrusted ? e
                        : new DeployFailedException(pc.current(), e.getMessage() + " (nothing was changed)", e);
            }
            if (planned.isEmpty()) {
                return new Finished(Optional.empty(), List.of(), null, List.of(), ms(t0));
            }
            Transition t = planned.get();
            // a proxy restarted with an older route: said before anything runs (the flip, when there is one, routes again)
            Optional.ofNullable(observed.state().router()).map(sys.routerFor())
                    .flatMap(production -> LiveTraffic.activeNotServed(observed.state(), production)).ifPresent(w ->
                            pc.warn(Phase.RESOLVE, w + (t.route().moves() ? "; this " + t.kind().label() + " routes it again"
                                    : "")));
            pc.sink(Phase.RESOLVE).progress(t.why());
            return new Execution(sys, pc, observed, planned.get(), q.cancel(), startedAt, t0).run();
        }
    }

    /**
     * Finishes what an interrupted operation left. A journal that cannot be read is never acted on: a flip back to the
     * standby (a person's rollback, a heal's fail-back) goes on without it, since it needs nothing the journal holds and
     * writes its own; every other operation stops.
     */
    private void repair(Request q, PhaseClock pc) {
        try {
            new Repairer(sys).repairIfInterrupted(q.service(), pc);
        } catch (StoredDataException e) {
            if (q.kind() != OperationKind.ROLLBACK && q.kind() != OperationKind.FAIL_BACK) {
                throw e;
            }
            pc.warn(Phase.REPAIR, e.problem() + "; the " + q.kind().label() + " goes on without it, never acting on it,"
                    + " and replaces it with its own journal");
        }
    }

    /** One read of everything a planner decides on; without {@code replicas}, their run state is left unknown. */
    public Observed observe(String service, boolean replicas) {
        Versioned<ServiceState> state = sys.store().readState(service);
        List<Replica> listed = replicas ? sys.cluster().list(service) : List.of();
        return new Observed(service, state, listed, sys.registry().instances(service), sys.cluster().startsPartOfADeploy(),
                sys.store().signing());
    }

    static String holder(OperationKind kind, String id) {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return kind.label() + " " + id + " by pid " + ManagementFactory.getRuntimeMXBean().getPid() + " on " + host
                + " since " + Instant.now();
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
