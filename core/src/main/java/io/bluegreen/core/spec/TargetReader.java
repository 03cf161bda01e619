package io.bluegreen.core.spec;

import io.bluegreen.core.cluster.Constraint;
import io.bluegreen.core.cluster.Strategy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The spec's {@code target:} section: which engines hold the colors and how replicas are placed on them, or the
 * Swarm manager whose services run them.
 */
final class TargetReader {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern AGENT = Pattern.compile("https?://[A-Za-z0-9]([A-Za-z0-9.-]{0,252}):[0-9]{1,5}");
    private static final Pattern MEMORY = Pattern.compile("([0-9]{1,9})([kmg])", Pattern.CASE_INSENSITIVE);

    private TargetReader() {
    }

    static TargetSpec read(SpecNode t, Path base) {
        String type = t.string("type").orElse(t.has("swarm") ? "swarm" : "local").toLowerCase(Locale.ROOT);
        Strategy strategy = t.string("strategy").map(s -> Strategy.parse(s).orElseGet(() -> {
            t.problem("strategy", SpecNode.quote(s) + " is not a strategy (spread, binpack, random)");
            return Strategy.SPREAD;
        })).orElse(Strategy.SPREAD);
        List<String> constraints = new ArrayList<>();
        for (String c : t.strings("constraints")) {
            if (Constraint.parse(c).isPresent()) {
                constraints.add(Constraint.parse(c).get().toString());
            } else {
                t.problem("constraints", SpecNode.quote(c) + " is not 'node.labels.NAME == VALUE' (or !=)");
            }
        }
        long memory = t.string("memory").map(m -> memory(t, m)).orElse(0L);
        Integer hostPort = t.has("hostPort") ? t.integer("hostPort", 1, 65535, null) : null;
        List<TargetSpec.Engine> engines = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (SpecNode e : t.mappings("engines")) {
            String name = e.matching("name", SpecReader.SERVICE, "is not a DNS label (a-z, 0-9, '-')", null);
            String host = host(e);
            String address = e.matching("address", SpecReader.IPV4, "is not an IPv4 address", "127.0.0.1");
            Map<String, String> labels = e.stringMap("labels", LABEL, "is not a label name");
            String certs = certPath(e, host, base);
            String consul = !e.has("consul") ? null
                    : e.matching("consul", AGENT, "is not http(s)://ADDRESS:PORT (the Consul agent of the engine's node)", null);
            if (consul != null) {
                int port = Integer.parseInt(consul.substring(consul.lastIndexOf(':') + 1));
                if (port < 1 || port > 65535) {
                    e.problem("consul", SpecNode.quote(consul) + " has a port outside 1..65535");
                }
            }
            e.rejectUnknown();
            if (name != null && !names.add(name)) {
                e.problem("name", SpecNode.quote(name) + " names two engines");
            }
            engines.add(new TargetSpec.Engine(name, host, address, Map.copyOf(labels), certs, consul));
        }
        TargetSpec.Swarm swarm = t.has("swarm") ? swarm(t.child("swarm"), base) : null;
        if (swarm != null && !type.equals("swarm")) {
            t.problem("swarm", "only applies to type: swarm");
        }
        switch (type) {
            case "local" -> {
                if (!engines.isEmpty() || !constraints.isEmpty() || t.has("strategy")) {
                    t.problem("type", "is local (the DOCKER_HOST engine): engines, strategy and constraints need type: engines");
                }
            }
            case "engines" -> {
                if (engines.isEmpty() && t.has("type")) {
                    t.problem("engines", "is required with type: engines (a list of { name, host, address, labels })");
                }
            }
            case "swarm" -> {
                if (swarm == null) {
                    t.problem("swarm", "is required with type: swarm (a mapping { host, certPath } naming a Swarm manager)");
                }
                if (!engines.isEmpty()) {
                    t.problem("engines", "do not apply to type: swarm (the swarm's own nodes run the tasks)");
                }
                if (t.has("strategy")) {
                    t.problem("strategy", "does not apply to type: swarm (Swarm's scheduler places the tasks)");
                }
            }
            default -> t.problem("type", SpecNode.quote(type) + " is not a target type (local, engines, swarm)");
        }
        t.rejectUnknown();
        TargetSpec.Type kind = switch (type) {
            case "engines" -> TargetSpec.Type.ENGINES;
            case "swarm" -> TargetSpec.Type.SWARM;
            default -> TargetSpec.Type.LOCAL;
        };
        return new TargetSpec(kind, strategy, List.copyOf(constraints), List.copyOf(engines), memory, hostPort,
                kind == TargetSpec.Type.SWARM ? swarm : null);
    }

    private static String host(SpecNode n) {
        String host = n.requiredString("host");
        if (host != null && !host.startsWith("unix:///") && !host.startsWith("tcp://")) {
            n.problem("host", SpecNode.quote(host) + " is not unix:///path or tcp://host:port");
        }
        return host;
    }

    private static String certPath(SpecNode n, String host, Path base) {
        Path certs = n.has("certPath") ? n.existingPath("certPath", base, true, true) : null;
        if (certs != null && host != null && host.startsWith("unix://")) {
            n.problem("certPath", "only applies to tcp:// hosts");
        }
        return certs == null ? null : certs.toString();
    }

    private static TargetSpec.Swarm swarm(SpecNode s, Path base) {
        String host = host(s);
        String certs = certPath(s, host, base);
        Integer consulPort = s.has("consulPort") ? s.integer("consulPort", 1, 65535, null) : null;
        s.rejectUnknown();
        return new TargetSpec.Swarm(host, certs, consulPort);
    }

    private static long memory(SpecNode t, String text) {
        var m = MEMORY.matcher(text);
        if (!m.matches()) {
            t.problem("memory", SpecNode.quote(text) + " is not a size such as 64m, 512k or 1g");
            return 0;
        }
        long unit = switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            default -> 1024L * 1024 * 1024;
        };
        return Long.parseLong(m.group(1)) * unit;
    }
}
