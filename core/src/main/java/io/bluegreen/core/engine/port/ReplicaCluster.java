package io.bluegreen.core.engine.port;

import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.ReplicaUsage;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where replicas run: one Docker engine, several engines, or Swarm services. The engine only ever starts a
 * plan, lists by service and removes what it listed.
 */
public interface ReplicaCluster {
    /** Fails with {@link SystemUnreachableException} when the cluster cannot be reached. */
    void ping();

    /**
     * Starts the replicas of the plan (in parallel) and hands each to {@code running} as soon as it runs with its
     * published port, so Consul can start checking it while the others start. A throw from {@code running} fails the
     * start. On any failure removes the replicas it started, then throws.
     */
    List<Replica> start(ReplicaPlan plan, EventSink events, Consumer<Replica> running);

    default List<Replica> start(ReplicaPlan plan, EventSink events) {
        return start(plan, events, r -> { });
    }

    /**
     * Why replicas could not join {@code networks} here, one line per network and place (a network missing on an
     * engine, or of a kind replicas cannot join); empty when they all can. Asked before anything starts.
     */
    List<String> networkProblems(List<String> networks);

    /** Every replica of {@code service} this tool owns (by label), running or not. */
    List<Replica> list(String service);

    /** Stops and removes these replicas; refuses anything not carrying this tool's labels. */
    void remove(List<Replica> replicas);

    /**
     * Whether a plan may start only some replicas of an existing deploy; where it cannot (a Swarm service's tasks
     * come as a whole), a heal's planner renews the whole color as a new deploy instead.
     */
    default boolean startsPartOfADeploy() {
        return true;
    }

    /** Memory and CPU of a running replica, for /metrics; empty where this cluster cannot say (the default). */
    default Optional<ReplicaUsage> usage(Replica replica) {
        return Optional.empty();
    }

    /**
     * The Consul agent of the node {@code replica} runs on, where its registration belongs, when the target names
     * node agents; empty: the deployer's agent.
     */
    default Optional<URI> nodeAgent(Replica replica) {
        return Optional.empty();
    }

    /** The environment a replica was started with, less what this tool sets itself ({@code BLUEGREEN_*}). */
    Map<String, String> userEnvironment(Replica replica);
}
