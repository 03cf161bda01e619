package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.fake.World;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Before;
import org.junit.Test;

/** The heal server's read-only side on fakes: what /metrics and data.json say, and what they refuse. */
public class DashboardTest {
    private static final String SECRET_VALUE = "s3cret-value-never-shown";
    private final World world = new World("vote", true);
    private final Dashboard dashboard = new Dashboard(List.of("vote"), world.systems(), s -> world.cluster, Optional.of(world.metrics));

    @Before
    public void deployed() {
        Deployed.v1(world, 2, Map.of("API_TOKEN", SECRET_VALUE));
    }

    private String body(String method, String path, String query, int status) {
        Dashboard.Page p = dashboard.get(method, path, query);
        String text = new String(p.body(), StandardCharsets.UTF_8);
        assertEquals(path + ": " + text, status, p.status());
        return text;
    }

    @Test
    public void metricsAndDataSayWhatRunsAndNeverAnEnvironmentValue() {
        String metrics = body("GET", "/metrics", null, 200);
        assertTrue(metrics, metrics.contains("bluegreen_active{service=\"vote\",color=\"blue\"} 1"));
        assertTrue(metrics, metrics.contains("bluegreen_replicas_passing{service=\"vote\",color=\"blue\"} 2"));
        assertTrue(metrics, metrics.contains("bluegreen_operations{service=\"vote\",kind=\"deploy\",outcome=\"succeeded\"} 1"));
        assertTrue(metrics, metrics.contains("# TYPE bluegreen_replica_check gauge"));
        String data = body("GET", "/dashboard/data.json", null, 200);
        assertTrue(data, data.contains("\"service\":\"vote\"") && data.contains("\"active\":\"blue\""));
        for (String page : List.of(metrics, data, body("GET", "/dashboard/", null, 200), body("GET", "/dashboard/app.js", null, 200))) {
            assertFalse(page.contains(SECRET_VALUE));
            assertFalse(page.contains("API_TOKEN"));
        }
    }

    @Test
    public void onlyGetOnlyItsServicesOnlyItsPaths() {
        body("POST", "/metrics", null, 405);
        body("DELETE", "/dashboard/data.json", null, 405);
        body("GET", "/dashboard/series.json", "service=other", 404);
        body("GET", "/dashboard/series.json", "service=../../etc", 404);
        body("GET", "/dashboard/series.json", null, 404);
        body("GET", "/dashboard/nothing-here", null, 404);
        assertEquals(308, dashboard.get("GET", "/dashboard", null).status());
        assertTrue(dashboard.serves("/metrics") && dashboard.serves("/dashboard/app.js") && !dashboard.serves("/v1/heal/vote"));
        String series = body("GET", "/dashboard/series.json", "service=vote", 200);
        assertTrue(series, series.contains("\"requests\"") && series.contains("\"errors\"") && series.contains("\"responseTime\""));
    }
}
