package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.ServiceLock;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.proxy.UrlProbe;
import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.Durations;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one path every operation takes: lock → repair → observe → plan → journal → start and register → gate →
 * route and check-and-set commit → verify → retire → history. Each acting step is journalled in KV before it acts;
 * any failure before retire (or a cancellation for a more urgent operation) goes to the one undo, {@link Restorer},
 * which removes exactly what carries this operation's ID.
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
            return new DeployResult(t.service(), t.opId(), t.color().label(), t.previous() == null ? null : t.previous().label(),
                    t.version(), t.image(), t.digest(), durationMs, pc.timings(), warnings, flip);
        }
    }

    Finished run(PhaseClock pc, Request q) {
        long t0 = System.nanoTime();
        String startedAt = pc.now();
        try (ServiceLock.Lease lease = pc.run(Phase.LOCK, "locking bluegreen/" + q.service() + "/lock",
                () -> sys.lock().acquire(q.service(), holder(q.kind(), pc.operationId()), q.lockWait(), pc.sink(Phase.LOCK)))) {
            new Repairer(sys).repairIfInterrupted(q.service(), pc);
            Observed observed;
            Optional<Transition> planned;
            try {
                observed = pc.run(Phase.RESOLVE, "reading bluegreen/" + q.service() + "/state, its replicas and their health",
                        () -> observe(q.service(), q.kind().readsReplicas()));
                planned = q.plan().plan(observed, pc);
            } catch (RuntimeException e) {
                if (!(e instanceof RefusedException)) {
                    record(pc, q.kind(), null, q.version(), q.image(), Outcome.FAILED, "nothing was changed: " + e.getMessage(),
                            startedAt, t0, null);
                }
                throw e instanceof SystemUnreachableException || e instanceof RefusedException ? e
                        : new DeployFailedException(pc.current(), e.getMessage() + " (nothing was changed)", e);
            }
            if (planned.isEmpty()) {
                return new Finished(Optional.empty(), List.of(), null, List.of(), ms(t0));
            }
            pc.sink(Phase.RESOLVE).progress(planned.get().why());
            return new Execution(pc, observed, planned.get(), q.cancel(), startedAt, t0).run();
        }
    }

    /** One read of everything a planner decides on; without {@code replicas}, their run state is left unknown. */
    public Observed observe(String service, boolean replicas) {
        Versioned<ServiceState> state = sys.store().readState(service);
        List<Replica> listed = replicas ? sys.cluster().list(service) : List.of();
        return new Observed(service, state, listed, sys.registry().instances(service), sys.cluster().startsPartOfADeploy());
    }

    static String holder(OperationKind kind, String id) {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return kind.label() + " " + id + " by pid " + ManagementFactory.getRuntimeMXBean().getPid() + " on " + host
                + " since " + Instant.now();
    }

    /** The acting part of one transition, under the lock; its fields are what the undo needs. */
    private final class Execution {
        private final PhaseClock pc;
        private final Observed observed;
        private final Transition t;
        private final Cancellation cancel;
        private final String startedAt;
        private final long t0;
        private final TrafficRouter router;
        private final List<Replica> started = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private Journal journal;
        private FlipFigures flip;

        Execution(PhaseClock pc, Observed observed, Transition t, Cancellation cancel, String startedAt, long t0) {
            this.pc = pc;
            this.observed = observed;
            this.t = t;
            this.cancel = cancel;
            this.startedAt = startedAt;
            this.t0 = t0;
            this.router = sys.routerForState().apply(t.router());
        }

        Finished run() {
            Phase first = t.start().isPresent() ? Phase.DEPLOY : Phase.FLIP;
            journal = new Journal(t.opId(), t.kind().label(), first.label(), t.color().label(), t.version(), observed.state(),
                    t.router(), router.snapshot().orElse(null), startedAt);
            try {
                startAndGate();
                routeAndCommit();
                verify();
                analyse();
            } catch (RuntimeException e) {
                throw undo(e);
            }
            retire();
            closeJournal();
            long ms = ms(t0);
            String done = t.why() + (warnings.isEmpty() ? "" : "; " + String.join("; ", warnings));
            record(pc, t.kind(), t, Outcome.SUCCEEDED, done, startedAt, t0, flip);
            pc.result(summary(ms), ms);
            return new Finished(Optional.of(t), List.copyOf(started), flip, List.copyOf(warnings), ms);
        }

        private String summary(long ms) {
            return switch (t.kind()) {
                case DEPLOY -> "deployed " + t.service() + " " + t.version() + " to " + t.color().label() + " in " + ms + " ms";
                case REDEPLOY -> "redeployed " + t.service() + " " + t.version() + " to " + t.color().label() + " in " + ms + " ms";
                case ROLLBACK_TO -> "rolled " + t.service() + " back to " + t.version() + " in " + t.color().label() + " in "
                        + ms + " ms";
                case ROLLBACK, FAIL_BACK -> "rolled back " + t.service() + " to " + t.color().label() + " (" + t.version()
                        + ") in " + ms + " ms";
                default -> "replaced " + (t.start().map(ReplicaPlan::count).orElse(0)) + " replica(s) of " + t.service()
                        + " " + t.color().label() + " in " + ms + " ms";
            };
        }

        /** DEPLOY (+ register each replica the moment it runs, so Consul's first check overlaps the other starts) → GATE. */
        private void startAndGate() {
            if (t.start().isEmpty()) {
                return;
            }
            ReplicaPlan plan = t.start().get();
            cancel.check();
            journal(Phase.DEPLOY);
            pc.run(Phase.DEPLOY, "starting " + plan.count() + " replica(s) of " + plan.image() + " in " + t.color().label()
                    + ", registering each in Consul as soon as it runs", () -> started.addAll(sys.cluster().start(plan,
                    pc.sink(Phase.DEPLOY), r -> sys.registry().register(r, t.digest(), t.gate()))));
            journal(Phase.GATE);
            pc.run(Phase.GATE, "waiting for " + started.size() + " replica(s) to pass " + t.gate().path() + " "
                    + t.gate().passes() + " times in a row (deadline " + Durations.format(t.gate().deadline()) + ")",
                    () -> new HealthGate(sys).await(t.service(), started, t.gate(), pc.sink(Phase.GATE), cancel));
        }

        /** FLIP: the router first, then the state with check-and-set against what was observed. */
        private void routeAndCommit() {
            cancel.check();
            ServiceState next = t.commit().apply(observed.state(), t.color(), t.router(), t.kept(), started,
                    sys.clock().instant());
            // The journal names the state about to be committed, so an undo restores only its own write.
            journal = journal.committing(next);
            journal(Phase.FLIP);
            pc.run(Phase.FLIP, t.route() ? "switching " + router.describe() + " to " + t.color().label()
                    : "recording the new replicas of " + t.color().label(), () -> {
                if (t.route()) {
                    List<Endpoint> endpoints = routed();
                    flip = FlipMeter.measure(t.verify().url(), () -> router.route(t.service(), endpoints,
                            t.service() + " " + t.color().label() + " " + t.version() + " " + t.kind().label() + " " + t.opId()));
                    pc.sink(Phase.FLIP).progress("traffic now on " + t.color().label() + " (" + flip.summary()
                            + "); recording the new state");
                    Optional<Integer> max = t.verify().maxFlipFailures();
                    if (max.isPresent() && flip.failed() != null && flip.failed() > max.get()) {
                        throw new PhaseFailure("the flip failed " + flip.failed() + " requests, more than verify.maxFlipFailures ("
                                + max.get() + ")");
                    }
                }
                // Check-and-set against the index observed before anything started: any write since loses us the commit.
                if (!sys.store().writeState(t.service(), next, observed.versionedState().index())) {
                    throw new PhaseFailure("bluegreen/" + t.service() + "/state changed during the " + t.kind().label()
                            + " (check-and-set failed)");
                }
            });
        }

        /** VERIFY: the new replicas stay passing, and requests through the proxy succeed, for the window. */
        private void verify() {
            if (t.verify().window().isZero()) {
                return; // the user asked for no verify window: the gate's verdict stands
            }
            journal(Phase.VERIFY);
            pc.run(Phase.VERIFY, "watching " + t.color().label() + " for " + Durations.format(t.verify().window()), () -> {
                Set<String> ids = started.isEmpty() ? t.kept().stream().map(Transition.Kept::id).collect(Collectors.toSet())
                        : started.stream().map(Replica::id).collect(Collectors.toSet());
                Optional<UrlProbe> probe = t.verify().url().map(u -> UrlProbe.start(u, t.verify().window()));
                try {
                    new HealthGate(sys).watch(t.service(), ids, t.verify().window(), cancel);
                } finally {
                    probe.ifPresent(UrlProbe::stop);
                }
                if (probe.isPresent() && probe.get().failed() > 0) {
                    throw new PhaseFailure("verify: " + probe.get().failed() + " of " + probe.get().sent() + " requests to "
                            + t.verify().url().get() + " failed (first: " + probe.get().firstError() + ")");
                }
            });
        }

        /** VERIFY, continued: the release's analysis, if it has one, judges the new color on its real traffic. */
        private void analyse() {
            if (t.verify().analysis().isEmpty()) {
                return;
            }
            AnalysisSpec a = t.verify().analysis().get();
            journal(Phase.VERIFY);
            pc.run(Phase.VERIFY, "analysing " + t.color().label() + "'s traffic in " + a.prometheus() + " for "
                    + Durations.format(a.window()), () -> new AnalysisGate(sys).judge(a, AnalysisGate.Moment.VERIFY,
                    new AnalysisGate.Subject(t.service(), t.color(), t.version(), routed().stream().map(Endpoint::toString).toList()),
                    AnalysisGate.Subject.recorded(observed.state(), t.previous()), pc.sink(Phase.VERIFY), cancel));
        }

        /** What the router sends to once the transition routed: the kept replicas and the started ones. */
        private List<Endpoint> routed() {
            List<Endpoint> endpoints = new ArrayList<>(t.keptEndpoints());
            started.forEach(r -> endpoints.add(r.endpoint()));
            return endpoints;
        }

        /** After the commit: what the new state no longer names is drained and removed; a failure here only warns. */
        private void retire() {
            try {
                journal(Phase.RETIRE);
            } catch (RuntimeException e) {
                // The journal still says an earlier phase, whose repair would undo a committed, verified operation.
                warn("the journal could not be moved to retire (" + e.getMessage() + "); closing it instead");
                closeJournal();
            }
            if (!t.retire()) {
                return;
            }
            try {
                pc.run(Phase.RETIRE, t.commit().activate() && t.commit().keep().isZero() ? "retiring the old colors now"
                        : t.commit().activate() && t.previous() != null ? "keeping " + t.previous().label() + " warm for "
                                + Durations.format(t.commit().keep()) + "; retiring what the state no longer names"
                                : "retiring what the state no longer names",
                        () -> new Retirer(sys).retireUnlisted(t.service(), router, t.drain(), pc.sink(Phase.RETIRE)));
            } catch (RuntimeException e) {
                warn("retiring old replicas failed (traffic is on " + t.color().label() + " as committed): " + e.getMessage());
            }
        }

        /** Done: a journal left behind says retire, so the next lock holder only finishes what is left. */
        private void closeJournal() {
            try {
                sys.store().deleteJournal(t.service());
            } catch (RuntimeException e) {
                warn("the journal bluegreen/" + t.service() + "/journal could not be deleted (" + e.getMessage()
                        + "); the next operation's repair closes it");
            }
        }

        private void warn(String warning) {
            warnings.add(warning);
            pc.warn(Phase.RETIRE, warning);
        }

        private RuntimeException undo(RuntimeException cause) {
            Phase failed = Phase.valueOf(journal.phase().toUpperCase(Locale.ROOT));
            String reason = failed.label() + " failed: " + cause.getMessage();
            List<String> problems = pc.run(Phase.ROLLBACK, "undoing the " + t.kind().label() + " after the failed "
                    + failed.label() + " (traffic, state, then what it started)",
                    () -> new Restorer(sys).restore(t.service(), journal, pc.sink(Phase.ROLLBACK)));
            if (!problems.isEmpty()) {
                String where = t.kind().label() + " " + t.opId() + " could not be undone, a human must look:\n  - "
                        + String.join("\n  - ", problems) + "\nthe journal bluegreen/" + t.service()
                        + "/journal is kept; `bluegreen status -s " + t.service() + " --repair` retries";
                record(pc, t.kind(), t, Outcome.ROLLBACK_FAILED, reason + "; " + String.join("; ", problems), startedAt, t0, flip);
                return new RollbackFailedException(pc.redact(where), cause);
            }
            sys.store().deleteJournal(t.service());
            boolean preempted = cause instanceof Cancellation.PreemptedException;
            boolean release = t.kind().isRelease();
            record(pc, t.kind(), t, preempted ? Outcome.PREEMPTED : release ? Outcome.ROLLED_BACK : Outcome.FAILED, reason, startedAt, t0, flip);
            Color active = observed.state().activeColor().orElse(null);
            String traffic = active == null ? "no color was active before; none is now" : "traffic stays on " + active.label();
            return new DeployFailedException(failed, pc.redact(reason + "; " + (release ? "rolled back" : "undone") + ", "
                    + traffic), cause);
        }

        private void journal(Phase phase) {
            journal = journal.at(phase);
            sys.store().writeJournal(t.service(), journal);
        }
    }

    /** The one history record builder; best effort: a history that cannot be written must not fail a done operation. */
    private void record(PhaseClock pc, OperationKind kind, Transition t, Outcome outcome, String reason, String startedAt,
                        long t0, FlipFigures flip) {
        record(pc, kind, t, t.version(), t.image(), outcome, reason, startedAt, t0, flip);
    }

    private void record(PhaseClock pc, OperationKind kind, Transition t, String version, String image, Outcome outcome,
                        String reason, String startedAt, long t0, FlipFigures flip) {
        try {
            sys.store().appendHistory(pc.service(), HistoryRecord.of(pc.operationId(), kind.label(), pc.service())
                    .outcome(outcome.label()).release(version, image, t == null ? null : t.digest())
                    .colors(t == null ? null : t.color().label(), t == null || t.previous() == null ? null : t.previous().label())
                    .started(startedAt, t0).reason(pc.redact(reason)).phases(pc.timings()).flip(flip)
                    .recipe(t == null || t.start().isEmpty() ? null : t.commit().colorState().recipe()).build(pc.now()));
        } catch (RuntimeException e) {
            pc.warn(Phase.RETIRE, "could not write the history record: " + e.getMessage());
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
