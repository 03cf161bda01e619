package io.bluegreen.core.engine;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where replicas run: one Docker engine today; several engines or Swarm services fit behind the same
 * port because the phases only ever start a plan, list by service and remove what they listed.
 */
public interface ReplicaCluster {
    /** Fails with {@link SystemUnreachableException} when the cluster cannot be reached. */
    void ping();

    /**
     * Starts every replica of the plan (in parallel) and hands each to {@code running} as soon as it runs with its
     * published port, so Consul can start checking it while the others start. A throw from {@code running} fails the
     * start. On any failure removes the containers it started, then throws.
     */
    List<Replica> start(ReplicaPlan plan, EventSink events, Consumer<Replica> running);

    default List<Replica> start(ReplicaPlan plan, EventSink events) {
        return start(plan, events, r -> { });
    }

    /** Every replica of {@code service} this tool owns (by label), running or not. */
    List<Replica> list(String service);

    /** Stops and removes these replicas; refuses anything not carrying this tool's labels. */
    void remove(List<Replica> replicas);

    /** Whether {@link #cloneReplica} works; where it does not, a heal starts the whole color again instead. */
    default boolean startsSingleReplicas() {
        return true;
    }

    /**
     * Starts a new replica exactly like {@code template} (same image ID, environment, port publishing)
     * as replica number {@code index} of the same deploy: how a heal replaces a dead replica in place.
     */
    Replica cloneReplica(Replica template, int index);

    /** The environment a replica was started with, less what this tool sets itself ({@code BLUEGREEN_*}). */
    Map<String, String> userEnvironment(Replica replica);
}
