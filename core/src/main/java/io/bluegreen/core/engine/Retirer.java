package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.TrafficRouter;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Takes replicas out of service for good: deregistered from Consul first, so nothing routes to a stopping one. */
final class Retirer {
    private final Systems sys;

    Retirer(Systems sys) {
        this.sys = sys;
    }

    void retire(String service, List<Replica> replicas, EventSink events) {
        if (replicas.isEmpty()) {
            return;
        }
        for (Replica r : replicas) {
            sys.registry().deregister(service, r.id());
        }
        sys.cluster().remove(replicas);
        events.progress("retired " + replicas.size() + " replica(s): "
                + String.join(", ", replicas.stream().map(Replica::id).toList()));
    }

    /**
     * After a commit (or finishing one a dead runner had committed): every replica and registration of the service
     * that the state in KV no longer names goes, the routed ones drained first. Reading the state here, not trusting
     * the caller's, makes a second run find nothing left to do.
     */
    void retireUnlisted(String service, TrafficRouter router, Duration drain, EventSink events) {
        ServiceState state = sys.store().readState(service).value();
        Set<String> named = state.replicaIds();
        List<Replica> unlisted = sys.cluster().list(service).stream().filter(r -> !named.contains(r.id())).toList();
        // The last look before anything goes: what the router still sends production traffic to stays.
        List<Replica> serving = LiveTraffic.serving(unlisted, router);
        List<Replica> stale = unlisted.stream().filter(r -> !serving.contains(r)).toList();
        Drainer.drain(router, stale.stream().filter(Replica::running).map(Replica::endpoint)
                .filter(java.util.Objects::nonNull).toList(), drain, events);
        retire(service, stale, events);
        Set<String> kept = serving.stream().map(Replica::id).collect(java.util.stream.Collectors.toSet());
        for (Instance i : sys.registry().instances(service)) {
            if (!named.contains(i.id()) && !kept.contains(i.id())) {
                sys.registry().deregister(service, i.id());
            }
        }
        if (!serving.isEmpty()) {
            throw new UntrustedStateException(LiveTraffic.disagreement(state, serving, router, "retiring them"));
        }
    }
}
