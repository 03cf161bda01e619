package io.bluegreen.core.engine;

/**
 * One running instance of a service version in a color. {@code id} is the name the system owns
 * ({@code S-color-deployId-n}); it is also the Consul service ID. {@code runtimeId} is the cluster's
 * own handle (a container ID).
 */
public record Replica(String id, String runtimeId, String service, Color color, String version,
                      String deployId, int index, Endpoint endpoint, String image, boolean running) {
}
