package io.bluegreen.core.engine;

import io.bluegreen.core.spec.StopSpec;
import java.util.List;
import java.util.Map;

/**
 * What to start: the replicas numbered {@code indexes} of {@code image} in {@code color}, belonging to deploy
 * {@code deployId} and started by operation {@code opId} (the same for a deploy; a replacement adds indexes to
 * an existing deploy under its own operation ID), each joining the Docker {@code networks} and stopped as {@code stop}
 * says when it retires.
 */
public record ReplicaPlan(String service, Color color, String version, String deployId, String opId, String image,
                          List<Integer> indexes, int containerPort, String hostAddress, Map<String, String> env,
                          List<String> networks, StopSpec stop) {

    public ReplicaPlan {
        indexes = List.copyOf(indexes);
        env = Map.copyOf(env);
        networks = List.copyOf(networks);
    }

    /** The same replicas, stopped as {@code s} says. */
    public ReplicaPlan withStop(StopSpec s) {
        return new ReplicaPlan(service, color, version, deployId, opId, image, indexes, containerPort, hostAddress, env, networks, s);
    }

    /** The same plan for {@code some} of its indexes (the part one engine starts). */
    public ReplicaPlan only(List<Integer> some) {
        return new ReplicaPlan(service, color, version, deployId, opId, image, some, containerPort, hostAddress, env, networks, stop);
    }

    /** A whole deploy: replicas 1..count, started by the deploy itself, stopped as Docker stops them (see {@link #withStop}). */
    public static ReplicaPlan whole(String service, Color color, String version, String deployId, String image, int count,
                                    int containerPort, String hostAddress, Map<String, String> env, List<String> networks) {
        return new ReplicaPlan(service, color, version, deployId, deployId, image,
                java.util.stream.IntStream.rangeClosed(1, count).boxed().toList(), containerPort, hostAddress, env, networks,
                StopSpec.DOCKER_DEFAULT);
    }

    public int count() {
        return indexes.size();
    }

    public String replicaName(int index) {
        return service + "-" + color.label() + "-" + deployId + "-" + index;
    }
}
