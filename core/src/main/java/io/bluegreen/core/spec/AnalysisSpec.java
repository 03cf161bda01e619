package io.bluegreen.core.spec;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judging a release on real traffic: every {@code interval} for {@code window}, each metric's PromQL query is asked of
 * {@code prometheus} and its value held against {@code max} / {@code min}; with {@code compare}, also against the same
 * query for the color it replaces. Placeholders in a query ({@link #PLACEHOLDERS}) are filled per color, from values
 * the spec already validated as names, tags or addresses, so they cannot change the query's shape.
 */
public record AnalysisSpec(URI prometheus, Duration interval, Duration window, List<Metric> metrics,
                           Optional<Compare> compare) {
    /** {{service}}, {{color}}, {{version}}, and {{servers}}: a regex of the color's HAProxy server names (its endpoints). */
    public static final List<String> PLACEHOLDERS = List.of("service", "color", "version", "servers");
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");

    /** One judged value; at least one of {@code max} and {@code min}. */
    public record Metric(String name, String query, Optional<Double> max, Optional<Double> min) {
        /** The query with its placeholders filled from {@code values} (every placeholder was checked known). */
        public String render(Map<String, String> values) {
            Matcher m = PLACEHOLDER.matcher(query);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** The threshold the value breaks, in words, or empty when it holds. */
        public Optional<String> breach(double value) {
            if (max.isPresent() && value > max.get()) {
                return Optional.of("above max " + format(max.get()));
            }
            if (min.isPresent() && value < min.get()) {
                return Optional.of("below min " + format(min.get()));
            }
            return Optional.empty();
        }
    }

    /** The new color against the one it replaces ({@code to: previous}): worse by more than {@code maxRatio} fails. */
    public record Compare(String to, double maxRatio) {
    }

    /**
     * The spec tree this was read from (what {@code analysis:} said, defaults filled in): kept with a release's
     * control, so a promotion without the spec judges with it ({@link SpecReader#analysis(Map)} reads it back).
     */
    public Map<String, Object> asTree() {
        Map<String, Object> tree = new java.util.LinkedHashMap<>();
        tree.put("prometheus", prometheus.toString());
        tree.put("interval", Durations.format(interval));
        tree.put("window", Durations.format(window));
        tree.put("metrics", metrics.stream().map(m -> {
            Map<String, Object> t = new java.util.LinkedHashMap<>();
            t.put("name", m.name());
            t.put("query", m.query());
            m.max().ifPresent(v -> t.put("max", v));
            m.min().ifPresent(v -> t.put("min", v));
            return t;
        }).toList());
        compare.ifPresent(c -> tree.put("compare", Map.of("to", c.to(), "maxRatio", c.maxRatio())));
        return tree;
    }

    /** The same analysis judged over {@code window} instead (a canary step's pause). */
    public AnalysisSpec over(Duration w) {
        return new AnalysisSpec(prometheus, interval.compareTo(w) > 0 ? w : interval, w, metrics, compare);
    }

    /** A measured value or a threshold as a message shows it. */
    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        // four significant digits, no trailing zeros, never an exponent: 0.3333, 0.05, 1.5, 1200
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
