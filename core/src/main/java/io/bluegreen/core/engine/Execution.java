package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.HookException;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HookSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The acting part of one transition, under the lock: the phases in order ({@link StartPhase}, {@link PreviewPhase},
 * {@link FlipPhase}, {@link VerifyPhase}, then {@link RetirePhase}), or {@link UndoPhase} after any failure before
 * retire. Its fields are what the phases share and what the undo needs.
 */
final class Execution {
    final Systems sys;
    final PhaseClock pc;
    final Observed observed;
    final Transition t;
    final Cancellation cancel;
    final String startedAt;
    final long t0;
    final TrafficRouter router;
    /** The preview route's router when the transition changes that route; null otherwise. */
    final TrafficRouter previewRouter;
    final HistoryWriter history;
    final List<Replica> started = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    Journal journal;
    FlipFigures flip;

    Execution(Systems sys, PhaseClock pc, Observed observed, Transition t, Cancellation cancel, String startedAt, long t0) {
        this.sys = sys;
        this.pc = pc;
        this.observed = observed;
        this.t = t;
        this.cancel = cancel;
        this.startedAt = startedAt;
        this.t0 = t0;
        this.router = sys.routerFor().apply(t.route().router());
        this.previewRouter = t.control().previewRoute().changes() ? sys.routerFor().apply(t.control().previewRoute().router())
                : null;
        this.history = new HistoryWriter(sys, pc);
    }

    TransitionRunner.Finished run() {
        Phase first = t.start().replicas().isPresent() ? Phase.DEPLOY : Phase.FLIP;
        journal = new Journal(t.opId(), t.kind().label(), first.label(), t.color().label(), t.version(), observed.state(),
                t.route().router(), router.snapshot().orElse(null), startedAt);
        if (previewRouter != null) {
            journal = journal.previewing(t.control().previewRoute().router(), previewRouter.snapshot().orElse(null));
        }
        try {
            new StartPhase(this).run();
            new PreviewPhase(this).run();
            new FlipPhase(this).run();
            new VerifyPhase(this).run();
        } catch (RuntimeException e) {
            throw new UndoPhase(this).run(e);
        }
        new RetirePhase(this).run();
        if (t.kind() == OperationKind.ABORT) {
            // Not a failure, but the release did not happen: those told of failures are told of it too.
            notifyOnFailure(ABORTED, t.why(), Phase.RETIRE);
        }
        long ms = TransitionRunner.ms(t0);
        String done = t.why() + (warnings.isEmpty() ? "" : "; " + String.join("; ", warnings));
        history.write(t, t.commit().preview() != null ? Outcome.IN_PREVIEW : Outcome.SUCCEEDED, done, startedAt, t0, flip);
        pc.result(summary(ms), ms);
        return new TransitionRunner.Finished(Optional.of(t), List.copyOf(started), flip, List.copyOf(warnings), ms);
    }

    private String summary(long ms) {
        if (t.commit().preview() != null) {
            return "deployed " + t.service() + " " + t.version() + " to " + t.color().label() + " in " + ms + " ms: in preview"
                    + (t.control().previewUrl() == null ? "" : " at " + t.control().previewUrl()) + " until "
                    + CommandHint.of("promote -s " + t.service()) + " (or abort; aborted by itself " + Durations.format(t.commit().preview().timeout())
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
            default -> "replaced " + (t.start().replicas().map(ReplicaPlan::count).orElse(0)) + " replica(s) of "
                    + t.service() + " " + t.color().label() + " in " + ms + " ms";
        };
    }

    /** The journal says {@code phase} before that phase acts, so a repair knows how far this operation got. */
    void journal(Phase phase) {
        journal = journal.at(phase);
        sys.store().writeJournal(t.service(), journal);
    }

    /** Runs {@code list} in order; the first failure fails the phase. */
    void hooks(List<HookSpec> list, String which, Phase phase) {
        for (HookSpec h : list) {
            try {
                pc.sink(phase).progress(which + " hook " + sys.hooks().run(h, hookContext(null, null), pc.sink(phase)));
            } catch (HookException e) {
                throw new PhaseFailure(which + " hook failed: " + e.getMessage());
            }
        }
    }

    /** The outcome an abort's notifications carry (its history record says succeeded: it did what was asked). */
    static final String ABORTED = "aborted";

    /** The onFailure hooks: notifications, so a failing one only warns. {@code outcome}: a history outcome, or aborted. */
    void notifyOnFailure(String outcome, String reason, Phase phase) {
        for (HookSpec h : t.control().hooks().onFailure()) {
            try {
                pc.sink(phase).progress("onFailure hook " + sys.hooks().run(h, hookContext(outcome, reason), pc.sink(phase)));
            } catch (RuntimeException e) {
                pc.warn(phase, "onFailure hook failed: " + e.getMessage());
            }
        }
    }

    /** What a hook may know: never a secret (the reason is redacted like every line); {@code outcome} null: none yet. */
    Map<String, String> hookContext(String outcome, String reason) {
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
            m.put("BLUEGREEN_OUTCOME", outcome);
            m.put("BLUEGREEN_REASON", pc.redact(reason));
        }
        return m;
    }

    /** The replicas this transition puts into service: those it started, else those it keeps. */
    Set<String> newIds() {
        return started.isEmpty() ? t.kept().stream().map(Transition.Kept::id).collect(Collectors.toSet())
                : started.stream().map(Replica::id).collect(Collectors.toSet());
    }

    /** What the router sends to once the transition routed: the kept replicas and the started ones. */
    List<Endpoint> routed() {
        List<Endpoint> endpoints = new ArrayList<>(t.keptEndpoints());
        started.forEach(r -> endpoints.add(r.endpoint()));
        return endpoints;
    }

    /** The new color (what the transition routes to) judged on its traffic, against the color it replaces. */
    void judge(AnalysisSpec a, AnalysisGate.Moment moment, Phase phase, Cancellation until) {
        new AnalysisGate(sys).judge(a, moment, new AnalysisGate.Subject(t.service(), t.color(), t.version(),
                routed().stream().map(Endpoint::toString).toList()), AnalysisGate.Subject.recorded(observed.state(),
                t.previous()), pc.sink(phase), until);
    }

    /** The line a proxy's own files keep beside what the tool wrote: which operation wrote it. */
    String note(String what) {
        return t.service() + " " + t.color().label() + " " + t.version() + " " + what + " " + t.opId();
    }

    void warn(String warning) {
        warnings.add(warning);
        pc.warn(Phase.RETIRE, warning);
    }
}
