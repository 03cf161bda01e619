package io.bluegreen.core.spec;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** {@code analysis:}: read, defaults, placeholders filled, and every kind of bad input named by its field. */
public class AnalysisSpecTest {
    private static final String BASE = """
            service: vote
            image: 127.0.0.1:5000/vote
            tag: v2
            containerPort: 8080
            """;

    private static DeploymentSpec read(String analysis) {
        return SpecReader.fromTree(SpecReader.parseYaml(BASE + analysis, "spec.yml"), Path.of("."), Map.of());
    }

    private static void assertProblem(String analysis, String field, String words) {
        try {
            read(analysis);
            fail("expected the spec to be refused:\n" + analysis);
        } catch (InvalidSpecException e) {
            assertTrue("expected a problem naming " + field + " with '" + words + "', got " + e.problems(),
                    e.problems().stream().anyMatch(s -> s.startsWith(field + ":") && s.contains(words)));
        }
    }

    @Test
    public void readsTheAnalysisIntoTheVerifyOfTheRelease() {
        AnalysisSpec a = read("""
                analysis:
                  prometheus: http://127.0.0.1:9090/
                  interval: 2s
                  window: 30s
                  metrics:
                    - { name: error-rate, query: 'sum(rate(x{proxy="{{service}}",server=~"{{servers}}"}[30s]))', max: 0.05 }
                    - { name: throughput, query: 'sum(rate(y{color="{{ color }}",version="{{version}}"}[30s]))', min: 1 }
                  compare: { to: previous, maxRatio: 1.5 }
                """).verify().analysis().orElseThrow();
        assertEquals("http://127.0.0.1:9090", a.prometheus().toString());
        assertEquals(Duration.ofSeconds(2), a.interval());
        assertEquals(Duration.ofSeconds(30), a.window());
        assertEquals(Optional.of(0.05), a.metrics().get(0).max());
        assertEquals(Optional.of(1.0), a.metrics().get(1).min());
        assertEquals(1.5, a.compare().orElseThrow().maxRatio(), 0);
        assertEquals("sum(rate(y{color=\"green\",version=\"v2\"}[30s]))",
                a.metrics().get(1).render(Map.of("service", "vote", "color", "green", "version", "v2", "servers", "")));
    }

    @Test
    public void defaultsAndAbsence() {
        assertEquals(Optional.empty(), read("").verify().analysis());
        AnalysisSpec a = read("analysis: { prometheus: 'http://127.0.0.1:9090', metrics: [ { name: e, query: up, max: 1 } ] }\n")
                .verify().analysis().orElseThrow();
        assertEquals(Duration.ofSeconds(5), a.interval());
        assertEquals(Duration.ofSeconds(60), a.window());
        assertEquals(Optional.empty(), a.compare());
    }

    @Test
    public void badInputIsNamedByItsField() {
        String ok = "    - { name: e, query: up, max: 1 }\n";
        assertProblem("analysis: { prometheus: 'http://127.0.0.1:9090', metrics: [ { name: e, query: up, max: 1, maximum: 2 } ] }\n",
                "analysis.metrics[0].maximum", "unknown field");
        assertProblem("analysis: { prometheus: 'http://127.0.0.1:9090', metrics: [ { name: e, query: 'x{a=\"{{colour}}\"}', max: 1 } ] }\n",
                "analysis.metrics[0].query", "unknown placeholder '{{colour}}'");
        assertProblem("analysis: { prometheus: 'http://127.0.0.1:9090', metrics: [ { name: e, query: 'x{a=\"{{color\"}', max: 1 } ] }\n",
                "analysis.metrics[0].query", "unclosed placeholder");
        assertProblem("analysis: { prometheus: 'http://127.0.0.1:9090', metrics: [ { name: e, query: up } ] }\n",
                "analysis.metrics[0].max", "needs max or min");
        assertProblem("analysis: { prometheus: 'http://127.0.0.1:9090', metrics: [ { name: e, query: up, max: lots } ] }\n",
                "analysis.metrics[0].max", "expected a number");
        assertProblem("analysis:\n  prometheus: 'http://127.0.0.1:9090'\n  interval: 5 seconds\n  metrics:\n" + ok,
                "analysis.interval", "expected a duration");
        assertProblem("analysis:\n  prometheus: 'http://127.0.0.1:9090'\n  interval: 1m\n  window: 10s\n  metrics:\n" + ok,
                "analysis.interval", "longer than the window");
        assertProblem("analysis:\n  prometheus: 'ftp://127.0.0.1'\n  metrics:\n" + ok, "analysis.prometheus", "is not http(s)");
        assertProblem("analysis:\n  prometheus: 'http://u:secret@127.0.0.1'\n  metrics:\n" + ok, "analysis.prometheus", "****@");
        assertProblem("analysis:\n  metrics:\n" + ok, "analysis.prometheus", "is required");
        assertProblem("analysis: { prometheus: 'http://127.0.0.1:9090' }\n", "analysis.metrics", "is required");
        assertProblem("analysis:\n  prometheus: 'http://127.0.0.1:9090'\n  compare: { to: last-week, maxRatio: 0.5 }\n  metrics:\n" + ok,
                "analysis.compare.to", "not a baseline");
        assertProblem("analysis:\n  prometheus: 'http://127.0.0.1:9090'\n  compare: { maxRatio: 0.5 }\n  metrics:\n" + ok,
                "analysis.compare.maxRatio", "from 1 to 1000");
        assertProblem("analysis:\n  prometheus: 'http://127.0.0.1:9090'\n  prom: x\n  metrics:\n" + ok, "analysis.prom", "unknown field");
        assertProblem("analysis:\n  prometheus: 'http://127.0.0.1:9090'\n  metrics:\n" + ok + ok, "analysis.metrics[1].name", "named twice");
    }

    @Test
    public void aSecretInTheUrlNeverReachesTheMessage() {
        try {
            read("analysis:\n  prometheus: 'http://u:secret@127.0.0.1'\n  metrics: [ { name: e, query: up, max: 1 } ]\n");
            fail();
        } catch (InvalidSpecException e) {
            assertTrue(e.getMessage(), !e.getMessage().contains("secret"));
            assertEquals(List.of(), e.problems().stream().filter(p -> p.contains("secret")).toList());
        }
    }
}
