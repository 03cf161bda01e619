package io.bluegreen.core.cluster;

import java.util.Map;
import java.util.Set;

/**
 * What one engine holds right now, as placement sees it: its labels, memory (total and reserved by running
 * containers), how many containers run and how many of them are replicas of the service being placed, and
 * which host ports are taken.
 */
public record EngineLoad(String name, Map<String, String> labels, long memoryTotal, long memoryReserved,
                         int containers, int serviceReplicas, Set<Integer> portsInUse) {

    long memoryFree() {
        return memoryTotal - memoryReserved;
    }
}
