package io.bluegreen.core.engine;

import java.util.List;
import java.util.Map;

/**
 * What to start: the replicas numbered {@code indexes} of {@code image} in {@code color}, belonging to deploy
 * {@code deployId} and started by operation {@code opId} (the same for a deploy; a replacement adds indexes to
 * an existing deploy under its own operation ID), each joining the Docker {@code networks}.
 */
public record ReplicaPlan(String service, Color color, String version, String deployId, String opId, String image,
                          List<Integer> indexes, int containerPort, String hostAddress, Map<String, String> env,
                          List<String> networks) {

    public ReplicaPlan {
        indexes = List.copyOf(indexes);
        env = Map.copyOf(env);
        networks = List.copyOf(networks);
    }

    /** A whole deploy: replicas 1..count, started by the deploy itself. */
    public static ReplicaPlan whole(String service, Color color, String version, String deployId, String image, int count,
                                    int containerPort, String hostAddress, Map<String, String> env, List<String> networks) {
        return new ReplicaPlan(service, color, version, deployId, deployId, image,
                java.util.stream.IntStream.rangeClosed(1, count).boxed().toList(), containerPort, hostAddress, env, networks);
    }

    public int count() {
        return indexes.size();
    }

    public String replicaName(int index) {
        return service + "-" + color.label() + "-" + deployId + "-" + index;
    }
}
