package io.bluegreen.core.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.bluegreen.core.cluster.EngineLoad;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each node of a swarm holds, as the capacity check sees it, from the manager's node and task lists (read as
 * JSON: docker-java's model lacks the tasks' port status): memory (total and reserved by the tasks Swarm keeps
 * running there), host ports taken by tasks publishing in host mode, and the labels constraints match (the
 * engine's, then the node's own, which win). Nodes that are down, drained or paused are left out and named.
 */
final class SwarmLoads {
    /** {@code skipped}: node name → why it cannot take tasks. */
    record Nodes(List<EngineLoad> loads, Map<String, String> skipped) {
    }

    private SwarmLoads() {
    }

    static Nodes of(JsonNode nodes, JsonNode tasks) {
        Map<String, Long> reserved = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        Map<String, Set<Integer>> ports = new HashMap<>();
        for (JsonNode t : tasks) {
            if (!t.path("DesiredState").asText().equals("running")) {
                continue;
            }
            String node = t.path("NodeID").asText();
            reserved.merge(node, t.path("Spec").path("Resources").path("Reservations").path("MemoryBytes").asLong(0), Long::sum);
            count.merge(node, 1, Integer::sum);
            for (JsonNode p : t.path("Status").path("PortStatus").path("Ports")) {
                if (p.path("PublishedPort").asInt() > 0) {
                    ports.computeIfAbsent(node, k -> new HashSet<>()).add(p.path("PublishedPort").asInt());
                }
            }
        }
        Map<String, Integer> hostnames = new HashMap<>();
        nodes.forEach(n -> hostnames.merge(hostname(n), 1, Integer::sum));
        List<EngineLoad> loads = new ArrayList<>();
        Map<String, String> skipped = new HashMap<>();
        for (JsonNode n : nodes) {
            String id = n.path("ID").asText();
            // Swarm allows nodes of one hostname (cloned machines): then the node ID tells them apart.
            String name = hostnames.get(hostname(n)) > 1 ? hostname(n) + " (" + id.substring(0, Math.min(12, id.length())) + ")"
                    : hostname(n);
            String state = n.path("Status").path("State").asText();
            String availability = n.path("Spec").path("Availability").asText();
            if (!state.equals("ready") || !availability.equals("active")) {
                skipped.put(name, state + ", " + availability);
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            n.path("Description").path("Engine").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            n.path("Spec").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            loads.add(new EngineLoad(name, Map.copyOf(labels), n.path("Description").path("Resources").path("MemoryBytes").asLong(0),
                    reserved.getOrDefault(id, 0L), count.getOrDefault(id, 0), 0, Set.copyOf(ports.getOrDefault(id, Set.of()))));
        }
        return new Nodes(loads, skipped);
    }

    private static String hostname(JsonNode node) {
        return node.path("Description").path("Hostname").asText(node.path("ID").asText());
    }
}
