package io.bluegreen.core.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One read of everything about a service that a planner decides on: its state with the index a commit must
 * quote, its replicas with their run state (none when the plan does not need them), and Consul's health of each.
 * What the router sends traffic to is read by the runner right before it acts, where the journal needs it.
 */
public final class Observed {
    private final String service;
    private final Versioned<ServiceState> versionedState;
    private final List<Replica> replicas;
    private final List<Instance> instances;
    private final boolean startsPartOfADeploy;
    private final Signing signing;
    private final Map<String, Instance> instancesById;
    private final Map<String, Replica> replicasById;

    /** An observation of a signed state (or one whose signing decides nothing: a heal's verdict). */
    public Observed(String service, Versioned<ServiceState> versionedState, List<Replica> replicas, List<Instance> instances,
                    boolean startsPartOfADeploy) {
        this(service, versionedState, replicas, instances, startsPartOfADeploy, Signing.SIGNED);
    }

    /** {@code signing}: whether the state was signed, which decides whether its recorded commands may run. */
    public Observed(String service, Versioned<ServiceState> versionedState, List<Replica> replicas, List<Instance> instances,
                    boolean startsPartOfADeploy, Signing signing) {
        this.service = service;
        this.signing = signing;
        this.versionedState = versionedState;
        this.replicas = List.copyOf(replicas);
        this.instances = List.copyOf(instances);
        this.startsPartOfADeploy = startsPartOfADeploy;
        this.instancesById = this.instances.stream().collect(Collectors.toMap(Instance::id, Function.identity(), (a, b) -> a));
        this.replicasById = this.replicas.stream().collect(Collectors.toMap(Replica::id, Function.identity(), (a, b) -> a));
    }

    public String service() {
        return service;
    }

    public Versioned<ServiceState> versionedState() {
        return versionedState;
    }

    public ServiceState state() {
        return versionedState.value();
    }

    public List<Replica> replicas() {
        return replicas;
    }

    public List<Instance> instances() {
        return instances;
    }

    public Signing signing() {
        return signing;
    }

    /** Whether a plan may start only some replicas of an existing deploy (a Swarm service's tasks come as a whole). */
    public boolean startsPartOfADeploy() {
        return startsPartOfADeploy;
    }

    public Optional<Instance> instance(String replicaId) {
        return Optional.ofNullable(instancesById.get(replicaId));
    }

    /** One replica of deploy {@code deployId}, running or not: where a heal copies that deploy's environment from. */
    public Optional<Replica> replicaOf(String deployId) {
        return replicas.stream().filter(r -> deployId.equals(r.deployId())).findFirst();
    }

    /**
     * Whether a replica the state names has failed: gone from Consul, critical there (warning still serves), or its
     * container or task no longer running. The last is seen before Consul's next check runs.
     */
    public boolean failed(String replicaId) {
        Instance i = instancesById.get(replicaId);
        Replica r = replicasById.get(replicaId);
        return i == null || i.health() == Instance.Health.CRITICAL || (r != null && !r.running());
    }

    /** Whether traffic may go to it: registered, passing (not only warning) and, where its run state is known, running. */
    public boolean serving(String replicaId) {
        Instance i = instancesById.get(replicaId);
        Replica r = replicasById.get(replicaId);
        return i != null && i.passing() && (r == null || r.running());
    }
}
