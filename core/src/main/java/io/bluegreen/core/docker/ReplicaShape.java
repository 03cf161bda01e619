package io.bluegreen.core.docker;

/**
 * How one engine starts replicas beyond the plan: the address it publishes ports on (null: the spec's
 * hostAddress), a memory reservation in bytes (0: none) and a fixed host port (null: an ephemeral one).
 */
public record ReplicaShape(String publishAddress, long memoryReservation, Integer hostPort) {
    public static final ReplicaShape DEFAULT = new ReplicaShape(null, 0, null);
}
