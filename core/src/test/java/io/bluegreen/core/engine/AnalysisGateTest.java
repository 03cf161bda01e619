package io.bluegreen.core.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.fake.World.Snapshot;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.DeploymentSpec;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The analysis a release carries, judged during verify, on fakes of the ports (the metrics store included). */
public class AnalysisGateTest {
    private final Fixture f = new Fixture(true, "10s");

    private static Map<String, Object> analysis(Map<String, Object> extra) {
        Map<String, Object> a = new java.util.LinkedHashMap<>(Map.of("prometheus", "http://127.0.0.1:9090", "interval", "1s",
                "window", "2s", "metrics", List.of(Map.of("name", "error-rate",
                        "query", "errors{service=\"{{service}}\",color=\"{{color}}\",version=\"{{version}}\",server=~\"{{servers}}\"}",
                        "max", 0.05))));
        a.putAll(extra);
        return Map.of("analysis", a);
    }

    private DeployResult deploy(String tag, Map<String, Object> extra) {
        DeploymentSpec spec = Fixture.spec(tag, "10s", analysis(extra));
        return new Deployer(f.world.systems(), f.events::add).deploy(spec);
    }

    @Test
    public void aMetricAboveItsMaxRollsBackWithTheMeasuredValueAndTheThreshold() {
        f.deploy("v1");
        Snapshot before = f.world.snapshot();
        f.world.metrics.answer("color=\"green\"", 0.33);
        DeployFailedException e = assertThrows(DeployFailedException.class, () -> deploy("v2", Map.of()));
        assertTrue(e.getMessage(), e.getMessage().contains("verify analysis: error-rate of green = 0.33, above max 0.05"));
        assertTrue(e.getMessage(), e.getMessage().contains("traffic stays on blue"));
        assertEquals(before, f.world.snapshot());
        HistoryRecord r = f.lastRecord();
        assertEquals("rolled-back", r.outcome());
        assertTrue(r.reason(), r.reason().contains("error-rate of green = 0.33, above max 0.05"));
        // the placeholders were filled for the new color, with its own replicas' endpoints as {{servers}}
        String asked = f.world.metrics.asked.get(0);
        assertTrue(asked, asked.startsWith("errors{service=\"vote\",color=\"green\",version=\"v2\",server=~\"127.0.0.1:"));
        f.assertLockFree();
    }

    @Test
    public void metricsWithinBoundsForTheWholeWindowPromote() {
        f.deploy("v1");
        f.world.metrics.answer("color=\"green\"", 0.01);
        long t0 = System.nanoTime();
        DeployResult r = deploy("v2", Map.of());
        assertEquals("green", r.color());
        assertTrue("the analysis ran its 2 s window", System.nanoTime() - t0 >= 2_000_000_000L);
        assertTrue(f.world.metrics.asked.size() >= 2);
    }

    @Test
    public void comparedWithThePreviousColorTwiceAsBadFailsEvenBelowMax() {
        f.deploy("v1");
        f.world.metrics.answer("color=\"green\"", 0.04).answer("color=\"blue\"", 0.01);
        DeployFailedException e = assertThrows(DeployFailedException.class,
                () -> deploy("v2", Map.of("compare", Map.of("to", "previous", "maxRatio", 1.5))));
        assertTrue(e.getMessage(), e.getMessage().contains("error-rate of green = 0.04 against 0.01 for blue (v1), 4 times worse,"
                + " above compare.maxRatio 1.5"));
    }

    @Test
    public void aMetricWithNoDataInTheWholeWindowFailsAtItsEnd() {
        f.deploy("v1");
        DeployFailedException e = assertThrows(DeployFailedException.class, () -> deploy("v2", Map.of()));
        assertTrue(e.getMessage(), e.getMessage().contains("verify analysis: no data for error-rate in 2s"));
    }

    @Test
    public void anUnreachablePrometheusAtPreflightChangesNothing() {
        f.deploy("v1");
        Snapshot before = f.world.snapshot();
        int records = f.world.store.history(Fixture.SERVICE, 100).size();
        f.world.metrics.down = true;
        SystemUnreachableException e = assertThrows(SystemUnreachableException.class, () -> deploy("v2", Map.of()));
        assertEquals("Prometheus", e.system());
        assertEquals(FailureKind.UNREACHABLE, FailureKind.of(e));
        assertEquals(before, f.world.snapshot());
        assertEquals(records, f.world.store.history(Fixture.SERVICE, 100).size());
    }
}
