package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.MetricsException;
import io.bluegreen.core.engine.port.MetricsSource;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.Durations;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Judges a color on metrics of its real traffic: every {@code interval} for {@code window}, each metric's query (its
 * placeholders filled for the color) must hold its {@code max} / {@code min}, and with {@code compare}, must not be
 * worse than the same query for the color it replaces by more than {@code maxRatio}. The first breach fails at once
 * with the metric, the measured value and the threshold; a metric that had no data in the whole window fails at its
 * end (the analysis could not see the traffic, so it cannot vouch for it). Prometheus not answering, or refusing a
 * query, fails too: a release nobody can judge is not promoted.
 *
 * <p>Callable at any point of a transition where a color serves traffic ({@link Moment}); the runner calls it once
 * verify starts.
 */
public final class AnalysisGate {
    /** Where in a release the analysis runs; it names the moment in its messages. */
    public enum Moment {
        PREVIEW("preview"), VERIFY("verify"), CANARY_STEP("canary step");

        private final String label;

        Moment(String label) {
            this.label = label;
        }
    }

    /**
     * The color judged (or its baseline): what the placeholders become. {{servers}} is its endpoints joined by |, a
     * regex for the server label of the router's exporter (HAProxy and nginx's runtime mode name servers by endpoint);
     * the dots stay unescaped, since PromQL's regex matchers are anchored and a backslash would need escaping again
     * inside a PromQL string.
     */
    public record Subject(String service, Color color, String version, List<String> endpoints) {
        Map<String, String> placeholders() {
            return Map.of("service", service, "color", color.label(), "version", version,
                    "servers", String.join("|", endpoints));
        }

        /** What {@code state} records of {@code color}, if it holds one. */
        public static Optional<Subject> recorded(ServiceState state, Color color) {
            return color == null ? Optional.empty() : state.color(color)
                    .map(c -> new Subject(state.service(), color, c.version(), c.endpoints()));
        }
    }

    private final Systems sys;

    public AnalysisGate(Systems sys) {
        this.sys = sys;
    }

    /** Runs {@code spec} for its window against {@code subject} (and {@code baseline} with compare); throws on a breach. */
    public void judge(AnalysisSpec spec, Moment moment, Subject subject, Optional<Subject> baseline, EventSink sink,
                      Cancellation cancel) {
        MetricsSource metrics = sys.metrics().apply(spec.prometheus());
        Set<String> seen = new HashSet<>();
        long end = System.nanoTime() + spec.window().toNanos();
        int round = 0;
        do {
            pause(spec.interval(), end, cancel);
            round++;
            for (AnalysisSpec.Metric m : spec.metrics()) {
                OptionalDouble value = ask(metrics, m, subject, moment);
                if (value.isEmpty() || Double.isNaN(value.getAsDouble())) {
                    continue; // no data, or a ratio over no requests yet (0/0)
                }
                seen.add(m.name());
                double v = value.getAsDouble();
                Optional<String> breach = m.breach(v);
                if (breach.isPresent()) {
                    throw new PhaseFailure(moment.label + " analysis: " + m.name() + " of " + subject.color().label() + " = "
                            + AnalysisSpec.format(v) + ", " + breach.get() + " (" + m.render(subject.placeholders()) + ")");
                }
                if (spec.compare().isPresent() && baseline.isPresent()) {
                    compare(metrics, m, v, subject, baseline.get(), spec.compare().get().maxRatio(), moment);
                }
            }
            sink.progress(moment.label + " analysis round " + round + ": " + String.join(", ", seen.isEmpty()
                    ? List.of("no data yet") : spec.metrics().stream().map(AnalysisSpec.Metric::name).filter(seen::contains)
                    .toList()) + " within bounds");
        } while (System.nanoTime() < end);
        List<String> blind = spec.metrics().stream().map(AnalysisSpec.Metric::name).filter(n -> !seen.contains(n)).toList();
        if (!blind.isEmpty()) {
            throw new PhaseFailure(moment.label + " analysis: no data for " + String.join(", ", blind) + " in "
                    + Durations.format(spec.window()) + " (is Prometheus scraping the proxy? does the query match "
                    + subject.color().label() + "?)");
        }
    }

    /** Worse than the baseline by more than {@code ratio}: higher for a max metric, lower for a min-only one. */
    private static void compare(MetricsSource metrics, AnalysisSpec.Metric m, double v, Subject subject, Subject baseline,
                                double ratio, Moment moment) {
        OptionalDouble before = ask(metrics, m, baseline, moment);
        if (before.isEmpty() || !(before.getAsDouble() > 0)) {
            return; // no baseline to be worse than: the absolute bounds judge alone
        }
        double b = before.getAsDouble();
        boolean higherIsWorse = m.max().isPresent() || m.min().isEmpty();
        double r = higherIsWorse ? v / b : b / Math.max(v, Double.MIN_VALUE);
        if (r > ratio) {
            throw new PhaseFailure(moment.label + " analysis: " + m.name() + " of " + subject.color().label() + " = "
                    + AnalysisSpec.format(v) + " against " + AnalysisSpec.format(b) + " for " + baseline.color().label() + " ("
                    + baseline.version() + "), " + AnalysisSpec.format(r) + " times worse, above compare.maxRatio "
                    + AnalysisSpec.format(ratio));
        }
    }

    private static OptionalDouble ask(MetricsSource metrics, AnalysisSpec.Metric m, Subject s, Moment moment) {
        String query = m.render(s.placeholders());
        try {
            return metrics.query(query);
        } catch (MetricsException | SystemUnreachableException e) {
            throw new PhaseFailure(moment.label + " analysis: " + m.name() + " could not be measured: " + e.getMessage(), e);
        }
    }

    /** Sleeps one interval (never past the window's end), waking every 250 ms to honour a cancellation. */
    private static void pause(Duration interval, long end, Cancellation cancel) {
        long until = Math.min(System.nanoTime() + interval.toNanos(), end);
        while (System.nanoTime() < until) {
            cancel.check();
            try {
                Thread.sleep(Math.max(1, Math.min(250, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PhaseFailure("analysis interrupted");
            }
        }
        cancel.check();
    }
}
