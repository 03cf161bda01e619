package io.bluegreen.core.engine;

import java.util.List;

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
            sys.registry().deregister(r.id());
        }
        sys.cluster().remove(replicas);
        events.progress("retired " + replicas.size() + " replica(s): "
                + String.join(", ", replicas.stream().map(Replica::id).toList()));
    }
}
