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

/** The spec's {@code target:} section: which engines hold the colors and how replicas are placed on them. */
final class TargetReader {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern MEMORY = Pattern.compile("([0-9]{1,9})([kmg])", Pattern.CASE_INSENSITIVE);

    private TargetReader() {
    }

    static TargetSpec read(SpecNode t, Path base) {
        String type = t.string("type").orElse("local").toLowerCase(Locale.ROOT);
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
            String host = e.requiredString("host");
            if (host != null && !host.startsWith("unix:///") && !host.startsWith("tcp://")) {
                e.problem("host", SpecNode.quote(host) + " is not unix:///path or tcp://host:port");
            }
            String address = e.matching("address", SpecReader.IPV4, "is not an IPv4 address", "127.0.0.1");
            Map<String, String> labels = e.stringMap("labels", LABEL, "is not a label name");
            Path certs = e.has("certPath") ? e.existingPath("certPath", base, true, true) : null;
            if (certs != null && host != null && host.startsWith("unix://")) {
                e.problem("certPath", "only applies to tcp:// hosts");
            }
            e.rejectUnknown();
            if (name != null && !names.add(name)) {
                e.problem("name", SpecNode.quote(name) + " names two engines");
            }
            engines.add(new TargetSpec.Engine(name, host, address, Map.copyOf(labels), certs == null ? null : certs.toString()));
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
            default -> t.problem("type", SpecNode.quote(type) + " is not a target type (local, engines)");
        }
        t.rejectUnknown();
        return new TargetSpec(type.equals("engines") ? TargetSpec.Type.ENGINES : TargetSpec.Type.LOCAL, strategy,
                List.copyOf(constraints), List.copyOf(engines), memory, hostPort);
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
