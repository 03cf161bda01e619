package io.bluegreen.core.engine;

import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.HealthSpec;
import io.bluegreen.core.spec.HookSpec;
import io.bluegreen.core.spec.PromotionSpec;
import io.bluegreen.core.spec.TargetSpec;
import io.bluegreen.core.spec.VerifySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One planned change of a service, as plain data: what to start (a whole deploy, some replicas of one, or
 * nothing), how to route, the state to commit, whether to verify and to retire what the new state no longer
 * names. {@link TransitionRunner} carries out every kind the same way; a {@link Planner} makes them.
 *
 * @param color    the color that is started, routed or committed
 * @param previous the active color before (null: none)
 * @param start    the replicas to start, registered and gated (empty: none, e.g. a rollback)
 * @param gate     the health gate of started replicas
 * @param kept     replicas already running that stay in {@code color} (a rollback's standby; a replacement's survivors)
 * @param route    whether the router gets {@code kept} and the started replicas
 * @param commit   how the new state follows from the state observed before
 * @param verify   after the commit; a zero window skips it
 * @param retire   after the commit: drain and remove every replica (and registration) the new state does not name
 * @param drain    how long retiring waits for requests in flight
 * @param control  preview route, hooks and canary steps ({@link Control#NONE} for heals and rollbacks)
 */
public record Transition(OperationKind kind, String opId, String service, Color color, Color previous, String version,
                         String image, String digest, Optional<ReplicaPlan> start, HealthSpec gate, List<Kept> kept,
                         boolean route, Commit commit, VerifySpec verify, boolean retire, Duration drain, RouterState router,
                         Control control, String why) {

    /**
     * Release control around the flip: {@code previewRouter} (null: none) gets the kept and started replicas when
     * {@code routePreview}, or nothing any more when {@code clearPreview}; {@code prePromotion} hooks run once the
     * color is on it; the flip goes through {@code steps}; {@code postPromotion} hooks run at every step and in verify;
     * {@code onFailure} hooks run after any undo; {@code analysis} (null: none) judges the color on the preview route
     * and at every canary step (verify's own analysis is in {@link VerifySpec}).
     */
    public record Control(RouterState previewRouter, boolean routePreview, boolean clearPreview, List<HookSpec> prePromotion,
                          List<HookSpec> postPromotion, List<HookSpec> onFailure, List<PromotionSpec.Step> steps,
                          String previewUrl, AnalysisSpec analysis) {
        public static final Control NONE = new Control(null, false, false, List.of(), List.of(), List.of(), List.of(), null,
                null);
    }

    /** A replica that stays, with the address the router reaches it at. */
    public record Kept(String id, Endpoint endpoint) {
    }

    /**
     * How the state changes: {@code color} gets {@code colorState} with the kept and started replicas (null: the
     * color is dropped, an abort); when {@code activate}, it takes the traffic, and the color it leaves stays warm
     * {@code keep} (zero: it is dropped and retired). {@code preview} (null: none) marks the color as waiting in
     * preview; a color that leaves preview (promoted or dropped) is no longer marked.
     */
    public record Commit(ColorState colorState, boolean activate, Duration keep, Duration drain, TargetSpec target,
                         PreviewPlan preview) {

        public Commit(ColorState colorState, boolean activate, Duration keep, Duration drain, TargetSpec target) {
            this(colorState, activate, keep, drain, target, null);
        }

        public ServiceState apply(ServiceState before, Color color, RouterState router, List<Kept> kept,
                                  List<Replica> started, Instant now) {
            List<String> ids = new ArrayList<>();
            List<String> endpoints = new ArrayList<>();
            kept.forEach(k -> {
                ids.add(k.id());
                endpoints.add(k.endpoint().toString());
            });
            started.stream().sorted(Comparator.comparingInt(Replica::index)).forEach(r -> {
                ids.add(r.id());
                endpoints.add(r.endpoint().toString());
            });
            String at = now.toString();
            ServiceState next = before.with(color, colorState == null ? null : colorState.withReplicas(ids, endpoints), at);
            if (preview != null) {
                next = next.withPreview(preview.startingAt(now));
            } else if ((activate || colorState == null) && before.inPreview().map(p -> p.previewColor() == color).orElse(false)) {
                next = next.withPreview(null);
            }
            if (!activate) {
                return next;
            }
            Color left = color.other();
            if (before.activeColor().map(a -> a == left).orElse(false) && before.color(left).isPresent()) {
                next = next.with(left, keep.isZero() ? null : before.color(left).get().withStandbyUntil(now.plus(keep).toString()), at);
            }
            return next.withActive(color, router, keep, drain, at).withTarget(target);
        }
    }

    /** The preview to mark at the commit: its deadlines count from the moment it is committed. */
    public record PreviewPlan(PreviewState state, Duration timeout, Duration after) {
        PreviewState startingAt(Instant now) {
            PreviewState s = state;
            return new PreviewState(s.color(), s.version(), now.toString(), now.plus(timeout).toString(),
                    after == null ? null : now.plus(after).toString(), s.router(), s.production(), s.keep(), s.drain(), s.url());
        }
    }

    public List<Endpoint> keptEndpoints() {
        return kept.stream().map(Kept::endpoint).toList();
    }
}
