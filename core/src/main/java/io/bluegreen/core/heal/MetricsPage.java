package io.bluegreen.core.heal;

import io.bluegreen.core.engine.ReplicaUsage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /metrics} in Prometheus' text format (version 0.0.4), written by hand: a handful of gauges per service,
 * read from Consul at each scrape, so they say the same whichever process deployed or healed. Operation counts are
 * over the newest {@value ServiceView#HISTORY} history records (gauges, not counters: history is what is counted).
 */
final class MetricsPage {
    private final StringBuilder out = new StringBuilder();
    private final Map<String, String> help = new LinkedHashMap<>();

    private MetricsPage() {
        help.put("bluegreen_active", "1 for the color that has the traffic");
        help.put("bluegreen_color_info", "what runs in each color (version, deploy id), always 1");
        help.put("bluegreen_replicas", "replicas the state names, per color");
        help.put("bluegreen_replicas_passing", "of those, replicas whose Consul check passes");
        help.put("bluegreen_replica_check", "each replica's Consul check: 1 for its state (passing, warning, critical, missing)");
        help.put("bluegreen_operations", "operations among the newest history records, by kind (deploy, rollback, fail-back, replace, ...) and outcome");
        help.put("bluegreen_last_flip_seconds", "time the newest recorded flip took until the proxy confirmed it");
        help.put("bluegreen_last_flip_failed_requests", "probe requests the newest measured flip failed (deploys with verify.url)");
        help.put("bluegreen_last_gate_seconds", "time the newest recorded health gate took");
        help.put("bluegreen_replica_memory_bytes", "memory a running replica uses (Docker's stats API, sampled at most 5 s before)");
        help.put("bluegreen_replica_memory_limit_bytes", "the memory limit it runs under");
        help.put("bluegreen_replica_cpu_cores", "CPU it used over the engine's last second, in cores");
        help.put("bluegreen_up", "1 when the heal server could read the service from Consul");
    }

    static String render(List<String> services, java.util.function.Function<String, ServiceView> read,
                         java.util.function.Function<ServiceView, Map<String, ReplicaUsage>> usage) {
        MetricsPage p = new MetricsPage();
        Map<String, List<String>> lines = new TreeMap<>();
        for (String service : services) {
            ServiceView v;
            try {
                v = read.apply(service);
            } catch (RuntimeException e) {
                p.add(lines, "bluegreen_up", 0, "service", service);
                continue;
            }
            p.add(lines, "bluegreen_up", 1, "service", service);
            for (ServiceView.ColorView c : v.colors()) {
                p.add(lines, "bluegreen_active", c.color().equals(v.active()) ? 1 : 0, "service", service, "color", c.color());
                p.add(lines, "bluegreen_color_info", 1, "service", service, "color", c.color(), "version", c.version(),
                        "deploy_id", c.deployId());
                p.add(lines, "bluegreen_replicas", c.replicas().size(), "service", service, "color", c.color());
                p.add(lines, "bluegreen_replicas_passing", c.passing(), "service", service, "color", c.color());
                for (ServiceView.ReplicaView r : c.replicas()) {
                    p.add(lines, "bluegreen_replica_check", 1, "service", service, "color", c.color(), "replica", r.id(),
                            "state", r.check());
                }
            }
            Map<String, ReplicaUsage> used;
            try {
                used = usage.apply(v);
            } catch (RuntimeException e) {
                used = Map.of(); // the engine does not answer: the rest of the page still holds
            }
            for (ServiceView.ColorView c : v.colors()) {
                for (ServiceView.ReplicaView r : c.replicas()) {
                    ReplicaUsage u = used.get(r.id());
                    if (u == null) {
                        continue;
                    }
                    p.add(lines, "bluegreen_replica_memory_bytes", u.memoryBytes(), "service", service, "color", c.color(),
                            "replica", r.id());
                    if (u.memoryLimitBytes() != null) {
                        p.add(lines, "bluegreen_replica_memory_limit_bytes", u.memoryLimitBytes(), "service", service,
                                "color", c.color(), "replica", r.id());
                    }
                    p.add(lines, "bluegreen_replica_cpu_cores", u.cpuCores(), "service", service, "color", c.color(),
                            "replica", r.id());
                }
            }
            Map<String, Integer> ops = new TreeMap<>();
            v.history().forEach(e -> ops.merge(e.kind() + "\u0000" + e.outcome(), 1, Integer::sum));
            ops.forEach((k, n) -> p.add(lines, "bluegreen_operations", n, "service", service, "kind", k.split("\u0000")[0],
                    "outcome", k.split("\u0000", -1)[1]));
            v.history().stream().filter(e -> e.flipMs() != null).findFirst().ifPresent(e -> {
                p.add(lines, "bluegreen_last_flip_seconds", e.flipMs() / 1000.0, "service", service);
                if (e.flipFailed() != null) {
                    p.add(lines, "bluegreen_last_flip_failed_requests", e.flipFailed(), "service", service);
                }
            });
            v.history().stream().filter(e -> e.gateMs() != null).findFirst().ifPresent(e ->
                    p.add(lines, "bluegreen_last_gate_seconds", e.gateMs() / 1000.0, "service", service));
        }
        p.help.forEach((name, text) -> {
            List<String> l = lines.get(name);
            if (l != null) {
                p.out.append("# HELP ").append(name).append(' ').append(text).append('\n');
                p.out.append("# TYPE ").append(name).append(" gauge\n");
                l.forEach(line -> p.out.append(line).append('\n'));
            }
        });
        return p.out.toString();
    }

    private void add(Map<String, List<String>> lines, String name, double value, String... labels) {
        StringBuilder b = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            b.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
        }
        b.append("} ").append(value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value));
        lines.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(b.toString());
    }

    /** Label values escape backslash, double quote and newline (the text format's rule). */
    private static String escape(String v) {
        return String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
