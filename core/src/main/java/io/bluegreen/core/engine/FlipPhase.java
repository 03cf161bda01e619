package io.bluegreen.core.engine;

import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.PromotionSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * FLIP: production traffic moves to the new color (through its canary steps, when it has them), measured, then the
 * new state is committed with check-and-set against what was observed. A transition that moves no traffic only
 * commits.
 */
final class FlipPhase {
    private final Execution x;

    FlipPhase(Execution x) {
        this.x = x;
    }

    void run() {
        Transition t = x.t;
        x.cancel.check();
        ServiceState next = t.commit().apply(x.observed.state(), t.color(), t.route().router(), t.kept(), x.started,
                x.sys.clock().instant());
        // The journal names the state about to be committed, so an undo restores only its own write.
        x.journal = x.journal.committing(next);
        x.journal(Phase.FLIP);
        boolean moves = t.route().moves();
        if (moves) {
            t.control().steps().forEach(this::canaryStep);
        }
        x.pc.run(Phase.FLIP, moves ? "switching " + x.router.describe() + " to " + t.color().label()
                : "recording the new replicas of " + t.color().label(), () -> {
            if (moves) {
                route();
            }
            // Check-and-set against the index observed before anything started: any write since loses us the commit.
            if (!x.sys.store().writeState(t.service(), next, x.observed.versionedState().index())) {
                throw new PhaseFailure("bluegreen/" + t.service() + "/state changed during the " + t.kind().label()
                        + " (check-and-set failed)");
            }
        });
    }

    private void route() {
        Transition t = x.t;
        List<Endpoint> endpoints = x.routed();
        x.flip = FlipMeter.measure(x.sys.prober(), t.verify().url(),
                () -> x.router.route(t.service(), endpoints, x.note(t.kind().label())));
        x.pc.sink(Phase.FLIP).progress("traffic now on " + t.color().label() + " (" + x.flip.summary()
                + "); recording the new state");
        Optional<Integer> max = t.verify().maxFlipFailures();
        if (max.isPresent() && x.flip.failed() != null && x.flip.failed() > max.get()) {
            throw new PhaseFailure("the flip failed " + x.flip.failed() + " requests, more than verify.maxFlipFailures ("
                    + max.get() + ")");
        }
    }

    /**
     * One canary step: the new color takes {@code step.weight()} percent of production traffic for the step's
     * pause, during which its replicas must stay passing; then the post-promotion hooks run.
     */
    private void canaryStep(PromotionSpec.Step step) {
        Transition t = x.t;
        x.cancel.check();
        x.pc.run(Phase.FLIP, "canary step: " + step.weight() + "% of production traffic to " + t.color().label() + " for "
                + step.pause(), () -> {
            x.router.split(t.service(), x.routed(), step.weight(), x.note("canary " + step.weight() + "%"));
            if (!step.pauseDuration().isZero()) {
                hold(step.pauseDuration());
            }
            x.hooks(t.control().hooks().postPromotion(), "post-promotion (at " + step.weight() + "%)", Phase.FLIP);
        });
    }

    /**
     * A canary step's pause: the new replicas must stay passing and, with an analysis, their traffic is judged over
     * the same pause, both at once; the first to fail ends the other.
     */
    private void hold(Duration pause) {
        AnalysisSpec a = x.t.control().analysis();
        if (a == null) {
            new HealthGate(x.sys).watch(x.t.service(), x.newIds(), pause, x.cancel);
            return;
        }
        Cancellation step = new Cancellation();
        CompletableFuture<Void> watch = CompletableFuture.runAsync(
                () -> new HealthGate(x.sys).watch(x.t.service(), x.newIds(), pause, step));
        try {
            x.judge(a.over(pause), AnalysisGate.Moment.CANARY_STEP, Phase.FLIP, step);
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
        x.cancel.check();
    }
}
