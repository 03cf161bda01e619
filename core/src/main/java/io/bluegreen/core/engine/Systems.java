package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.HookRunner;
import io.bluegreen.core.engine.port.ImageStore;
import io.bluegreen.core.engine.port.MetricsSource;
import io.bluegreen.core.engine.port.Prober;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.port.ServiceLock;
import io.bluegreen.core.engine.port.ServiceRegistry;
import io.bluegreen.core.engine.port.StateStore;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.RouterSpec;
import java.net.URI;
import java.time.Clock;
import java.util.function.Function;

/**
 * The ports the engine drives, wired once per run: {@code routerFor} opens the router a state or transition refers to,
 * {@code metrics} the metrics store a spec's analysis names; {@code prober} requests the proxy's public address;
 * {@code actor}, who the history records say acted.
 */
public record Systems(ReplicaCluster cluster, ImageStore images, ServiceRegistry registry, StateStore store,
                      ServiceLock lock, Function<RouterSpec, TrafficRouter> routerForSpec,
                      Function<RouterRef, TrafficRouter> routerFor, HookRunner hooks, Redactor redactor,
                      Clock clock, Function<URI, MetricsSource> metrics, Prober prober, Actor actor) {

    /** The same systems, acting as {@code a}. */
    public Systems withActor(Actor a) {
        return new Systems(cluster, images, registry, store, lock, routerForSpec, routerFor, hooks, redactor, clock, metrics,
                prober, a);
    }
}
