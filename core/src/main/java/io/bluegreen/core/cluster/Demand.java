package io.bluegreen.core.cluster;

import java.util.List;

/**
 * What a color needs: {@code replicas} containers, each reserving {@code memoryPerReplica} bytes (0: no
 * reservation) and, when {@code hostPort} is set, publishing that fixed host port (so one per engine).
 */
public record Demand(int replicas, long memoryPerReplica, Integer hostPort, List<Constraint> constraints) {
}
