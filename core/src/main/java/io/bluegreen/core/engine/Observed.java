package io.bluegreen.core.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One read of everything about a service that a planner decides on: its state with the index a commit must
 * quote, its replicas with their run state, Consul's health of each, and what the router sends traffic to now.
 */
public record Observed(String service, Versioned<ServiceState> versionedState, List<Replica> replicas,
                       List<Instance> instances, Optional<String> routed, boolean startsPartOfADeploy) {

    public ServiceState state() {
        return versionedState.value();
    }

    public Map<String, Instance> instancesById() {
        return instances.stream().collect(Collectors.toMap(Instance::id, Function.identity(), (a, b) -> a));
    }

    public Map<String, Replica> replicasById() {
        return replicas.stream().collect(Collectors.toMap(Replica::id, Function.identity(), (a, b) -> a));
    }

    /**
     * Whether a replica the state names has failed: gone from Consul, critical there (warning still serves), or its
     * container or task no longer running. The last is seen before Consul's next check runs.
     */
    public boolean failed(String replicaId) {
        Instance i = instancesById().get(replicaId);
        Replica r = replicasById().get(replicaId);
        return i == null || i.health() == Instance.Health.CRITICAL || (r != null && !r.running());
    }

    /** Whether traffic may go to it: registered, passing (not only warning) and, where its run state is known, running. */
    public boolean serving(String replicaId) {
        Instance i = instancesById().get(replicaId);
        Replica r = replicasById().get(replicaId);
        return i != null && i.passing() && (r == null || r.running());
    }
}
