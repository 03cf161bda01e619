package io.bluegreen.core.engine;

import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.HealthSpec;
import io.bluegreen.core.spec.HooksSpec;
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
 * One planned change of a service, as plain data in named parts: what it is ({@link Header}), what {@link Start}s,
 * how production traffic is {@link Route}d, what the state {@link Commit}s, how it is verified, what it
 * {@link Retire}s, and the release {@link Control} around the flip. {@link TransitionRunner} carries out every kind the
 * same way; a {@link Planner} makes them, through {@link #of}.
 */
public record Transition(Header header, Start start, Route route, Commit commit, VerifySpec verify, Retire retire,
                         Control control, String why) {

    /**
     * What the transition is and what it acts on: {@code color} is started, routed or committed; {@code previous} was
     * active before (null: none); the release in {@code color} is {@code version} of {@code image} at {@code digest}.
     */
    public record Header(OperationKind kind, String opId, String service, Color color, Color previous, String version,
                         String image, String digest) {
    }

    /** The replicas to start, each registered and passing {@code gate} before anything is routed; none for a rollback. */
    public record Start(Optional<ReplicaPlan> replicas, HealthSpec gate) {
        public static final Start NOTHING = new Start(Optional.empty(), null);

        public static Start replicas(ReplicaPlan plan, HealthSpec gate) {
            return new Start(Optional.of(plan), gate);
        }
    }

    /** Whether production traffic moves: to {@code color}'s kept and started replicas, or nowhere. */
    public enum Traffic { MOVES, STAYS }

    /**
     * Production's proxy ({@code router}; none when nothing was ever routed), whether its traffic moves to the
     * transition's color, and the replicas already running that stay in that color ({@code kept}: a rollback's
     * standby, a replacement's survivors).
     */
    public record Route(Traffic traffic, RouterRef router, List<Kept> kept) {
        public Route {
            router = router == null ? RouterRef.NONE : router;
            kept = List.copyOf(kept);
        }

        /** Production moves to the color: its kept replicas and those the transition starts. */
        public static Route production(RouterRef router, List<Kept> kept) {
            return new Route(Traffic.MOVES, router, kept);
        }

        /** Production stays where it is. */
        public static Route unchanged(RouterRef router, List<Kept> kept) {
            return new Route(Traffic.STAYS, router, kept);
        }

        public boolean moves() {
            return traffic == Traffic.MOVES;
        }
    }

    /** A replica that stays, with the address the router reaches it at. */
    public record Kept(String id, Endpoint endpoint) {
    }

    /** Whether the committed color takes production, leaving the color it replaces warm for {@code keep}. */
    public enum Production { TAKEN, UNCHANGED }

    /**
     * How the state changes: the transition's color gets {@code colorState} with the kept and started replicas (null:
     * the color is dropped, an abort); when production is {@link Production#TAKEN}, the color it leaves stays warm
     * {@code keep} (zero: it is dropped and retired). {@code preview} (null: none) marks the color as waiting in
     * preview; a color that leaves preview (promoted or dropped) is no longer marked.
     */
    public record Commit(ColorState colorState, Production production, Duration keep, Duration drain, TargetSpec target,
                         PreviewPlan preview) {

        /** The color takes production. */
        public static Commit taking(ColorState colorState, Duration keep, Duration drain, TargetSpec target) {
            return new Commit(colorState, Production.TAKEN, keep, drain, target, null);
        }

        /** The color's new replicas are recorded; production does not change. */
        public static Commit recording(ColorState colorState, Duration keep, Duration drain, TargetSpec target) {
            return new Commit(colorState, Production.UNCHANGED, keep, drain, target, null);
        }

        /** The color waits in preview as {@code preview} says. */
        public static Commit intoPreview(ColorState colorState, Duration keep, Duration drain, TargetSpec target,
                                         PreviewPlan preview) {
            return new Commit(colorState, Production.UNCHANGED, keep, drain, target, preview);
        }

        /** The color is dropped from the state (its replicas are then retired). */
        public static Commit dropping(Duration keep, Duration drain, TargetSpec target) {
            return new Commit(null, Production.UNCHANGED, keep, drain, target, null);
        }

        public boolean takesProduction() {
            return production == Production.TAKEN;
        }

        public ServiceState apply(ServiceState before, Color color, RouterRef router, List<Kept> kept,
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
            } else if ((takesProduction() || colorState == null)
                    && before.inPreview().map(p -> p.previewColor() == color).orElse(false)) {
                next = next.withPreview(null);
            }
            if (!takesProduction()) {
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
            return state.startingAt(now, timeout, after);
        }
    }

    /** What retiring takes after the commit: every replica the new state no longer names (drained first), or nothing. */
    public record Retire(Scope scope, Duration drain) {
        public static final Retire NOTHING = new Retire(Scope.NOTHING, Duration.ZERO);

        public enum Scope { UNLISTED, NOTHING }

        public static Retire unlisted(Duration drain) {
            return new Retire(Scope.UNLISTED, drain);
        }

        public boolean any() {
            return scope == Scope.UNLISTED;
        }
    }

    /** What the preview route ({@code router}, null: none) gets: the color's replicas, nothing any more, or no change. */
    public record PreviewRoute(RouterRef router, Action action) {
        public static final PreviewRoute NONE = new PreviewRoute(null, Action.LEAVE);

        public enum Action { ROUTE, CLEAR, LEAVE }

        /** The color goes onto {@code router}'s route; none when {@code router} is null. */
        public static PreviewRoute routing(RouterRef router) {
            return router == null ? NONE : new PreviewRoute(router, Action.ROUTE);
        }

        /** {@code router}'s route serves nothing any more (after an abort). */
        public static PreviewRoute clearing(RouterRef router) {
            return router == null ? NONE : new PreviewRoute(router, Action.CLEAR);
        }

        public boolean changes() {
            return action != Action.LEAVE;
        }
    }

    /**
     * Release control around the flip: the {@code previewRoute}; {@code hooks}: pre-promotion ones run once the color
     * is on the preview route, post-promotion ones at every step and in verify, onFailure ones after any undo; the flip
     * goes through {@code steps}; {@code analysis} (null: none) judges the color on the preview route and at every
     * canary step (verify's own analysis is in {@link VerifySpec}).
     */
    public record Control(PreviewRoute previewRoute, HooksSpec hooks, List<PromotionSpec.Step> steps, String previewUrl,
                          AnalysisSpec analysis) {
        public static final Control NONE = new Control(PreviewRoute.NONE, HooksSpec.NONE, List.of(), null, null);

        public Control {
            steps = List.copyOf(steps);
        }
    }

    /** The one way a transition is made: {@code of(...)} names the operation, the setters say what it does. */
    public static Builder of(OperationKind kind, String opId, String service) {
        return new Builder(kind, opId, service);
    }

    public static final class Builder {
        private final OperationKind kind;
        private final String opId;
        private final String service;
        private Color color;
        private Color previous;
        private String version;
        private String image;
        private String digest;
        private Start start = Start.NOTHING;
        private Route route;
        private Commit commit;
        private VerifySpec verify = VerifySpec.NONE;
        private Retire retire = Retire.NOTHING;
        private Control control = Control.NONE;

        private Builder(OperationKind kind, String opId, String service) {
            this.kind = kind;
            this.opId = opId;
            this.service = service;
        }

        /** The color it starts, routes or commits, and the color active before (null: none). */
        public Builder colors(Color to, Color activeBefore) {
            color = to;
            previous = activeBefore;
            return this;
        }

        /** The release in that color. */
        public Builder release(String v, String i, String d) {
            version = v;
            image = i;
            digest = d;
            return this;
        }

        public Builder start(Start s) {
            start = s;
            return this;
        }

        public Builder route(Route r) {
            route = r;
            return this;
        }

        public Builder commit(Commit c) {
            commit = c;
            return this;
        }

        public Builder verify(VerifySpec v) {
            verify = v;
            return this;
        }

        public Builder retire(Retire r) {
            retire = r;
            return this;
        }

        public Builder control(Control c) {
            control = c;
            return this;
        }

        /** Done: {@code why} says in words what the plan is. */
        public Transition because(String why) {
            if (color == null || route == null || commit == null) {
                throw new IllegalStateException("a transition needs its colors, route and commit");
            }
            return new Transition(new Header(kind, opId, service, color, previous, version, image, digest), start, route,
                    commit, verify, retire, control, why);
        }
    }

    public OperationKind kind() {
        return header.kind();
    }

    public String opId() {
        return header.opId();
    }

    public String service() {
        return header.service();
    }

    public Color color() {
        return header.color();
    }

    public Color previous() {
        return header.previous();
    }

    public String version() {
        return header.version();
    }

    public String image() {
        return header.image();
    }

    public String digest() {
        return header.digest();
    }

    public List<Kept> kept() {
        return route.kept();
    }

    public List<Endpoint> keptEndpoints() {
        return route.kept().stream().map(Kept::endpoint).toList();
    }
}
