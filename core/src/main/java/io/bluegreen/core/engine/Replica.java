package io.bluegreen.core.engine;

/**
 * One running instance of a service version in a color. {@code id} is the name the system owns
 * ({@code S-color-deployId-n}); it is also the Consul service ID. {@code runtimeId} is the cluster's
 * own handle (a container ID). {@code opId} names the operation that started it (a deploy's is its deploy
 * ID; a heal's replacement keeps the deploy ID of the replicas it replaces but carries its own operation ID),
 * so an interrupted operation's replicas are found and removed by it alone.
 */
public record Replica(String id, String runtimeId, String service, Color color, String version,
                      String deployId, String opId, int index, Endpoint endpoint, String image, boolean running) {

    public Replica withRuntimeId(String runtime) {
        return new Replica(id, runtime, service, color, version, deployId, opId, index, endpoint, image, running);
    }
}
