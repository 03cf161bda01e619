package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.HookException;
import io.bluegreen.core.engine.port.ServiceLock;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.proxy.UrlProbe;
import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HookSpec;
import io.bluegreen.core.spec.PromotionSpec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * The one path every operation takes: lock → repair → observe → plan → journal → start and register → gate →
 * preview route and pre-promotion hooks → route (in canary steps) and check-and-set commit → verify and
 * post-promotion hooks → retire → history. Each acting step is journalled in KV before it acts;
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
        private final TrafficRouter previewRouter;
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
            this.previewRouter = t.control().previewRouter() == null ? null
                    : sys.routerForState().apply(t.control().previewRouter());
        }

        Finished run() {
            Phase first = t.start().isPresent() ? Phase.DEPLOY : Phase.FLIP;
            journal = new Journal(t.opId(), t.kind().label(), first.label(), t.color().label(), t.version(), observed.state(),
                    t.router(), router.snapshot().orElse(null), startedAt);
            if (previewRouter != null && (t.control().routePreview() || t.control().clearPreview())) {
                journal = journal.previewing(t.control().previewRouter(), previewRouter.snapshot().orElse(null));
            }
            try {
                startAndGate();
                preview();
                routeAndCommit();
                verify();
                analyse();
                unmarkPreview();
            } catch (RuntimeException e) {
                throw undo(e);
            }
            retire();
            closeJournal();
            long ms = ms(t0);
            String done = t.why() + (warnings.isEmpty() ? "" : "; " + String.join("; ", warnings));
            record(pc, t.kind(), t, t.commit().preview() != null ? Outcome.IN_PREVIEW : Outcome.SUCCEEDED, done, startedAt, t0,
                    flip);
            pc.result(summary(ms), ms);
            return new Finished(Optional.of(t), List.copyOf(started), flip, List.copyOf(warnings), ms);
        }

        private String summary(long ms) {
            if (t.commit().preview() != null) {
                return "deployed " + t.service() + " " + t.version() + " to " + t.color().label() + " in " + ms + " ms: in preview"
                        + (t.control().previewUrl() == null ? "" : " at " + t.control().previewUrl()) + " until `bluegreen promote -s "
                        + t.service() + "` (or abort; aborted by itself " + Durations.format(t.commit().preview().timeout())
                        + " after" + (t.commit().preview().after() == null ? ""
                        : ", promoted by itself " + Durations.format(t.commit().preview().after()) + " after") + ")";
            }
            return switch (t.kind()) {
                case DEPLOY -> "deployed " + t.service() + " " + t.version() + " to " + t.color().label() + " in " + ms + " ms";
                case PROMOTE -> "promoted " + t.service() + " " + t.version() + " in " + t.color().label() + " in " + ms + " ms";
                case ABORT -> "aborted the " + t.color().label() + " preview of " + t.service() + " (" + t.version() + ") in "
                        + ms + " ms";
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
                    pc.sink(Phase.DEPLOY), r -> sys.registry().register(r, t.digest(), t.gate(),
                    t.commit().preview() != null))));
            journal(Phase.GATE);
            pc.run(Phase.GATE, "waiting for " + started.size() + " replica(s) to pass " + t.gate().path() + " "
                    + t.gate().passes() + " times in a row (deadline " + Durations.format(t.gate().deadline()) + ")",
                    () -> new HealthGate(sys).await(t.service(), started, t.gate(), pc.sink(Phase.GATE), cancel));
        }

        /**
         * PREVIEW: the preview route gets the new color (or, for an abort, loses it), then the pre-promotion hooks
         * run: a failing one stops the release before any user sees it.
         */
        private void preview() {
            Transition.Control c = t.control();
            boolean routes = previewRouter != null && (c.routePreview() || c.clearPreview());
            if (!routes && c.prePromotion().isEmpty()) {
                return;
            }
            cancel.check();
            journal(Phase.PREVIEW);
            if (routes) {
                String name = t.service() + "-preview";
                String note = name + " " + t.color().label() + " " + t.version() + " " + t.kind().label() + " " + t.opId();
                pc.run(Phase.PREVIEW, (c.clearPreview() ? "taking " + t.color().label() + " off " : "routing " + t.color().label()
                        + " to ") + "the preview route, " + previewRouter.describe(), () -> {
                    if (c.clearPreview()) {
                        previewRouter.clear(name, note);
                    } else {
                        previewRouter.route(name, routed(), note);
                    }
                });
            }
            if (!c.prePromotion().isEmpty()) {
                pc.run(Phase.PREVIEW, "running " + c.prePromotion().size() + " pre-promotion hook(s)"
                        + (c.previewUrl() == null ? "" : " (preview at " + c.previewUrl() + ")"),
                        () -> hooks(c.prePromotion(), "pre-promotion", Phase.PREVIEW, null, null));
            }
            if (c.analysis() != null && c.routePreview() && previewRouter != null) {
                pc.run(Phase.PREVIEW, "analysing " + t.color().label() + "'s traffic on the preview route in "
                        + c.analysis().prometheus() + " for " + Durations.format(c.analysis().window()),
                        () -> judge(c.analysis(), AnalysisGate.Moment.PREVIEW, Phase.PREVIEW, cancel));
            }
        }

        /** Runs {@code list} in order; the first failure fails the phase. */
        private void hooks(List<HookSpec> list, String which, Phase phase, Outcome outcome, String reason) {
            for (HookSpec h : list) {
                try {
                    pc.sink(phase).progress(which + " hook " + sys.hooks().run(h, hookContext(outcome, reason), pc.sink(phase)));
                } catch (HookException e) {
                    throw new PhaseFailure(which + " hook failed: " + e.getMessage());
                }
            }
        }

        /** What a hook may know: never a secret (the reason is redacted like every line). */
        private Map<String, String> hookContext(Outcome outcome, String reason) {
            Map<String, String> m = new TreeMap<>();
            m.put("BLUEGREEN_SERVICE", t.service());
            m.put("BLUEGREEN_COLOR", t.color().label());
            m.put("BLUEGREEN_VERSION", t.version());
            m.put("BLUEGREEN_OPERATION", t.kind().label());
            m.put("BLUEGREEN_OPERATION_ID", t.opId());
            if (t.control().previewUrl() != null) {
                m.put("BLUEGREEN_PREVIEW_URL", t.control().previewUrl());
            }
            if (outcome != null) {
                m.put("BLUEGREEN_OUTCOME", outcome.label());
                m.put("BLUEGREEN_REASON", pc.redact(reason));
            }
            return m;
        }

        /**
         * One canary step: the new color takes {@code step.weight()} percent of production traffic for the step's
         * pause, during which its replicas must stay passing; then the post-promotion hooks run.
         */
        private void canaryStep(PromotionSpec.Step step) {
            cancel.check();
            pc.run(Phase.FLIP, "canary step: " + step.weight() + "% of production traffic to " + t.color().label() + " for "
                    + step.pause(), () -> {
                router.split(t.service(), routed(), step.weight(), t.service() + " " + t.color().label() + " " + t.version()
                        + " canary " + step.weight() + "% " + t.opId());
                if (!step.pauseDuration().isZero()) {
                    holdStep(step.pauseDuration());
                }
                hooks(t.control().postPromotion(), "post-promotion (at " + step.weight() + "%)", Phase.FLIP, null, null);
            });
        }

        /** The replicas this transition puts into service: those it started, else those it keeps. */
        private Set<String> newIds() {
            return started.isEmpty() ? t.kept().stream().map(Transition.Kept::id).collect(Collectors.toSet())
                    : started.stream().map(Replica::id).collect(Collectors.toSet());
        }

        /** FLIP: the router first, then the state with check-and-set against what was observed. */
        private void routeAndCommit() {
            cancel.check();
            ServiceState next = t.commit().apply(observed.state(), t.color(), t.router(), t.kept(), started,
                    sys.clock().instant());
            // The journal names the state about to be committed, so an undo restores only its own write.
            journal = journal.committing(next);
            journal(Phase.FLIP);
            if (t.route()) {
                t.control().steps().forEach(this::canaryStep);
            }
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

        /** A promoted color's replicas lose Consul's {@code preview} tag (registered again: their checks keep their status). */
        private void unmarkPreview() {
            if (t.kind() != OperationKind.PROMOTE || t.commit().colorState().recipe() == null) {
                return;
            }
            Set<String> ids = newIds();
            for (Replica r : observed.replicas()) {
                if (ids.contains(r.id())) {
                    try {
                        sys.registry().register(r, t.digest(), t.commit().colorState().recipe().health(), false);
                    } catch (RuntimeException e) {
                        warnings.add("the preview tag of " + r.id() + " could not be removed in Consul: " + e.getMessage());
                    }
                }
            }
        }

        /**
         * VERIFY: the new replicas stay passing, and requests through the proxy succeed, for the window; then the
         * post-promotion hooks run.
         */
        private void verify() {
            List<HookSpec> post = t.control().postPromotion();
            if (t.verify().window().isZero() && post.isEmpty()) {
                return; // the user asked for no verify window: the gate's verdict stands
            }
            journal(Phase.VERIFY);
            if (!post.isEmpty() && t.verify().window().isZero()) {
                pc.run(Phase.VERIFY, "running " + post.size() + " post-promotion hook(s)",
                        () -> hooks(post, "post-promotion", Phase.VERIFY, null, null));
                return;
            }
            pc.run(Phase.VERIFY, "watching " + t.color().label() + " for " + Durations.format(t.verify().window())
                    + (post.isEmpty() ? "" : ", then running " + post.size() + " post-promotion hook(s)"), () -> {
                Set<String> ids = newIds();
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
                hooks(post, "post-promotion", Phase.VERIFY, null, null);
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
                    + Durations.format(a.window()), () -> judge(a, AnalysisGate.Moment.VERIFY, Phase.VERIFY, cancel));
        }

        /** The new color (what the transition routes to) judged on its traffic, against the color it replaces. */
        private void judge(AnalysisSpec a, AnalysisGate.Moment moment, Phase phase, Cancellation until) {
            new AnalysisGate(sys).judge(a, moment, new AnalysisGate.Subject(t.service(), t.color(), t.version(),
                    routed().stream().map(Endpoint::toString).toList()), AnalysisGate.Subject.recorded(observed.state(),
                    t.previous()), pc.sink(phase), until);
        }

        /**
         * A canary step's pause: the new replicas must stay passing and, with an analysis, their traffic is judged over
         * the same pause, both at once; the first to fail ends the other.
         */
        private void holdStep(Duration pause) {
            AnalysisSpec a = t.control().analysis();
            if (a == null) {
                new HealthGate(sys).watch(t.service(), newIds(), pause, cancel);
                return;
            }
            Cancellation step = new Cancellation();
            CompletableFuture<Void> watch = CompletableFuture.runAsync(
                    () -> new HealthGate(sys).watch(t.service(), newIds(), pause, step));
            try {
                judge(a.over(pause), AnalysisGate.Moment.CANARY_STEP, Phase.FLIP, step);
            } catch (RuntimeException e) {
                step.cancel(e.getMessage());
                throw e;
            } finally {
                try {
                    watch.join();
                } catch (CompletionException e) {
                    if (!step.cancelled()) {
                        throw e.getCause() instanceof RuntimeException r ? r : e;
                    }
                }
            }
            cancel.check();
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
            Outcome outcome = preempted ? Outcome.PREEMPTED : release ? Outcome.ROLLED_BACK : Outcome.FAILED;
            notifyFailure(outcome, reason);
            Color active = observed.state().activeColor().orElse(null);
            String traffic = active == null ? "no color was active before; none is now" : "traffic stays on " + active.label();
            return new DeployFailedException(failed, pc.redact(reason + "; " + (release ? "rolled back" : "undone") + ", "
                    + traffic), cause);
        }

        /** The onFailure hooks, after the undo: notifications, so a failing one only warns. */
        private void notifyFailure(Outcome outcome, String reason) {
            for (HookSpec h : t.control().onFailure()) {
                try {
                    pc.sink(Phase.ROLLBACK).progress("onFailure hook " + sys.hooks().run(h, hookContext(outcome, reason),
                            pc.sink(Phase.ROLLBACK)));
                } catch (RuntimeException e) {
                    pc.warn(Phase.ROLLBACK, "onFailure hook failed: " + e.getMessage());
                }
            }
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
                    .recipe(t == null || t.commit().colorState() == null || (t.start().isEmpty() && t.kind() != OperationKind.PROMOTE)
                            ? null : t.commit().colorState().recipe()).build(pc.now()));
        } catch (RuntimeException e) {
            pc.warn(Phase.RETIRE, "could not write the history record: " + e.getMessage());
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
