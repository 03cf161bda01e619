package io.bluegreen.core.engine;

import io.bluegreen.core.spec.HealthSpec;
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
 */
public record Transition(OperationKind kind, String opId, String service, Color color, Color previous, String version,
                         String image, String digest, Optional<ReplicaPlan> start, HealthSpec gate, List<Kept> kept,
                         boolean route, Commit commit, VerifySpec verify, boolean retire, Duration drain, RouterState router,
                         String why) {

    /** A replica that stays, with the address the router reaches it at. */
    public record Kept(String id, Endpoint endpoint) {
    }

    /**
     * How the state changes: {@code color} gets {@code colorState} with the kept and started replicas; when
     * {@code activate}, it takes the traffic, and the color it leaves stays warm {@code keep} (zero: it is dropped
     * and retired).
     */
    public record Commit(ColorState colorState, boolean activate, Duration keep, Duration drain, TargetSpec target) {

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
            ServiceState next = before.with(color, colorState.withReplicas(ids, endpoints), at);
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

    public List<Endpoint> keptEndpoints() {
        return kept.stream().map(Kept::endpoint).toList();
    }
}
