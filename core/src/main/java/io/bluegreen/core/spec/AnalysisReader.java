package io.bluegreen.core.spec;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and validates {@code analysis:}; every problem names its field (a metric by its index). */
final class AnalysisReader {
    static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,62}");
    static final int MAX_METRICS = 20;
    static final int MAX_QUERY = 2000;

    private AnalysisReader() {
    }

    static Optional<AnalysisSpec> read(SpecNode root) {
        if (!root.has("analysis")) {
            root.child("analysis");
            return Optional.empty();
        }
        SpecNode a = root.child("analysis");
        URI prometheus = prometheus(a);
        Duration interval = a.duration("interval", Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(5));
        Duration window = a.duration("window", Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(60));
        if (interval.compareTo(window) > 0) {
            a.problem("interval", Durations.format(interval) + " is longer than the window " + Durations.format(window));
        }
        List<AnalysisSpec.Metric> metrics = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<SpecNode> items = a.mappings("metrics");
        if (items.isEmpty() && !a.has("metrics")) {
            a.problem("metrics", "is required: a list of { name, query, max | min }");
        }
        if (items.size() > MAX_METRICS) {
            a.problem("metrics", "at most " + MAX_METRICS + " metrics, got " + items.size());
        }
        for (SpecNode m : items) {
            String name = m.matching("name", METRIC_NAME, "is not a metric name (1 to 63 of A-Z a-z 0-9 _ . -, starting with a letter)", null);
            String query = query(m);
            Optional<Double> max = number(m, "max");
            Optional<Double> min = number(m, "min");
            if (!m.has("max") && !m.has("min")) {
                m.problem("max", "a metric needs max or min (or both)");
            }
            if (max.isPresent() && min.isPresent() && min.get() > max.get()) {
                m.problem("min", "is above max");
            }
            m.rejectUnknown();
            if (name != null && !names.add(name)) {
                m.problem("name", "'" + name + "' is named twice");
            }
            if (name != null && query != null) {
                metrics.add(new AnalysisSpec.Metric(name, query, max, min));
            }
        }
        Optional<AnalysisSpec.Compare> compare = Optional.empty();
        if (a.has("compare")) {
            SpecNode c = a.child("compare");
            String to = c.string("to").orElse("previous");
            if (!to.equals("previous")) {
                c.problem("to", SpecNode.quote(to) + " is not a baseline this tool knows (previous)");
            }
            Optional<Double> ratio = number(c, "maxRatio");
            if (ratio.isEmpty() && !c.has("maxRatio")) {
                c.problem("maxRatio", "is required: how many times worse than the previous color a metric may be");
            } else if (ratio.isPresent() && (ratio.get() < 1 || ratio.get() > 1000)) {
                c.problem("maxRatio", "must be from 1 to 1000, got " + AnalysisSpec.format(ratio.get()));
            }
            c.rejectUnknown();
            compare = ratio.map(r -> new AnalysisSpec.Compare(to, r));
        } else {
            a.child("compare");
        }
        a.rejectUnknown();
        return prometheus == null ? Optional.empty()
                : Optional.of(new AnalysisSpec(prometheus, interval, window, List.copyOf(metrics), compare));
    }

    private static URI prometheus(SpecNode a) {
        String s = a.requiredString("prometheus");
        if (s == null) {
            return null;
        }
        try {
            return HttpUrls.validated(a.path("prometheus"), s);
        } catch (InvalidSpecException e) {
            a.problem("prometheus", e.getMessage().substring(e.getMessage().indexOf(':') + 2));
            return null;
        }
    }

    private static String query(SpecNode m) {
        String q = m.requiredString("query");
        if (q == null) {
            return null;
        }
        if (q.length() > MAX_QUERY || q.chars().anyMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\t')) {
            m.problem("query", "must be at most " + MAX_QUERY + " printable characters");
            return null;
        }
        Matcher p = AnalysisSpec.PLACEHOLDER.matcher(q);
        List<String> unknown = new ArrayList<>();
        while (p.find()) {
            if (!AnalysisSpec.PLACEHOLDERS.contains(p.group(1))) {
                unknown.add("{{" + p.group(1) + "}}");
            }
        }
        if (!unknown.isEmpty()) {
            m.problem("query", "unknown placeholder " + SpecNode.quote(String.join(", ", unknown)) + " (known: {{"
                    + String.join("}}, {{", AnalysisSpec.PLACEHOLDERS) + "}})");
            return null;
        }
        String rest = AnalysisSpec.PLACEHOLDER.matcher(q).replaceAll("");
        if (rest.contains("{{") || rest.contains("}}")) {
            m.problem("query", "has an unclosed placeholder ({{name}})");
            return null;
        }
        return q;
    }

    private static Optional<Double> number(SpecNode n, String key) {
        if (!n.has(key)) {
            n.string(key); // marks it known
            return Optional.empty();
        }
        Object v = n.rawValue(key);
        if (v instanceof Number num && Double.isFinite(num.doubleValue())) {
            return Optional.of(num.doubleValue());
        }
        n.problem(key, "expected a number, got " + SpecNode.describe(v));
        return Optional.empty();
    }
}
