package io.bluegreen.core.engine.port;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.RouterRef;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The proxy in front of a service. A flip sends all traffic to the given endpoints; {@link #snapshot()}
 * and {@link #restore(Optional)} put back exactly what was routed before, for rollback and repair.
 */
public interface TrafficRouter {
    /** For people: which proxy, where. */
    String describe();

    /** Before anything changes: throws {@code SystemUnreachableException} if a flip could not work. */
    void check();

    /** What is routed now, opaque; empty when the router has routed nothing yet. */
    Optional<String> snapshot();

    /** The endpoints that get requests now, read from the proxy itself (none: nothing is routed). */
    Set<Endpoint> liveEndpoints();

    /** Whether a proxy carries the traffic at all (with none, clients find the active color through Consul). */
    default boolean carriesTraffic() {
        return true;
    }

    /** Routes all of {@code service}'s traffic to {@code endpoints} (never empty). */
    void route(String service, List<Endpoint> endpoints, String note);

    /**
     * A canary step: {@code canary} (added if missing) takes {@code percent} of {@code service}'s traffic, the
     * endpoints routed now the rest. A proxy that cannot shift shares at run time refuses ({@link RouterException}).
     */
    default void split(String service, List<Endpoint> canary, int percent, String note) {
        throw new RouterException(describe() + " cannot shift a share of traffic (promotion.steps need HAProxy or nginx"
                + " in runtime mode)");
    }

    /** Routes nothing to {@code service} any more (a preview route after an abort): the proxy answers 502/503. */
    void clear(String service, String note);

    /** Puts back a {@link #snapshot()}. */
    void restore(Optional<String> snapshot);

    /**
     * How many requests the proxy still has in flight to {@code endpoints}, which no longer get new ones; a
     * proxy that cannot count per endpoint answers for everything it still finishes from before the last flip.
     */
    int inFlight(List<Endpoint> endpoints);

    /**
     * Called only once the drain bound has passed: ends what is still in flight to {@code endpoints} at the proxy,
     * before their replicas stop. A proxy that cannot end requests per endpoint does nothing (the stop ends them).
     */
    default void cutInFlight(List<Endpoint> endpoints) {
    }

    /** The queries this router's own exporter answers in Prometheus; empty: it exports none. */
    default Optional<TrafficSeries> metrics() {
        return Optional.empty();
    }

    /** How to find this router again without the spec (kept in KV; its options are the router's own). */
    RouterRef ref();
}
