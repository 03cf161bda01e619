package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.Prober;
import io.bluegreen.core.engine.port.ServiceRegistry;
import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HookSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * VERIFY: the new replicas stay passing, and requests through the proxy succeed, for the window; then the
 * post-promotion hooks run, and the release's analysis, if it has one, judges the new color on its real traffic. A
 * promoted color then loses Consul's {@code preview} tag.
 */
final class VerifyPhase {
    /** Between one answer of the proxy's public address and the next request, all through the window. */
    private static final Duration PROBE_PAUSE = Duration.ofMillis(100);
    private final Execution x;

    VerifyPhase(Execution x) {
        this.x = x;
    }

    void run() {
        watch();
        analyse();
        unmarkPreview();
    }

    private void watch() {
        Transition t = x.t;
        List<HookSpec> post = t.control().hooks().postPromotion();
        if (t.verify().window().isZero() && post.isEmpty()) {
            return; // the user asked for no verify window: the gate's verdict stands
        }
        x.journal(Phase.VERIFY);
        if (!post.isEmpty() && t.verify().window().isZero()) {
            x.pc.run(Phase.VERIFY, "running " + post.size() + " post-promotion hook(s)",
                    () -> x.hooks(post, "post-promotion", Phase.VERIFY));
            return;
        }
        x.pc.run(Phase.VERIFY, "watching " + t.color().label() + " for " + Durations.format(t.verify().window())
                + (post.isEmpty() ? "" : ", then running " + post.size() + " post-promotion hook(s)"), () -> {
            Set<String> ids = x.newIds();
            Optional<Prober.Probe> probe = t.verify().url().map(u -> x.sys.prober().start(u, t.verify().window(), PROBE_PAUSE));
            try {
                new HealthGate(x.sys).watch(t.service(), ids, t.verify().window(), x.cancel);
            } finally {
                probe.ifPresent(Prober.Probe::stop);
            }
            if (probe.isPresent() && probe.get().failed() > 0) {
                throw new PhaseFailure("verify: " + probe.get().failed() + " of " + probe.get().sent() + " requests to "
                        + t.verify().url().get() + " failed (first: " + probe.get().firstError() + ")");
            }
            x.hooks(post, "post-promotion", Phase.VERIFY);
        });
    }

    private void analyse() {
        if (x.t.verify().analysis().isEmpty()) {
            return;
        }
        AnalysisSpec a = x.t.verify().analysis().get();
        x.journal(Phase.VERIFY);
        x.pc.run(Phase.VERIFY, "analysing " + x.t.color().label() + "'s traffic in " + a.prometheus() + " for "
                + Durations.format(a.window()), () -> x.judge(a, AnalysisGate.Moment.VERIFY, Phase.VERIFY, x.cancel));
    }

    /** A promoted color's replicas lose Consul's {@code preview} tag (registered again: their checks keep their status). */
    private void unmarkPreview() {
        Transition t = x.t;
        if (t.kind() != OperationKind.PROMOTE || t.commit().colorState().recipe() == null) {
            return;
        }
        Set<String> ids = x.newIds();
        for (Replica r : x.observed.replicas()) {
            if (ids.contains(r.id())) {
                try {
                    x.sys.registry().register(r, t.digest(), t.commit().colorState().recipe().health(),
                            ServiceRegistry.Audience.PRODUCTION);
                } catch (RuntimeException e) {
                    x.warnings.add("the preview tag of " + r.id() + " could not be removed in Consul: " + e.getMessage());
                }
            }
        }
    }
}
