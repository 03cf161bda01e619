package io.bluegreen.core.engine;

/**
 * What a running replica uses, as its engine reports it (Docker's stats API): memory in bytes, the memory limit it
 * runs under (null: none besides the host's), and CPU in cores over the engine's last sampling interval.
 */
public record ReplicaUsage(long memoryBytes, Long memoryLimitBytes, double cpuCores) {
}
