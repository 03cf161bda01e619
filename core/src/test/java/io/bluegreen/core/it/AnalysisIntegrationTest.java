package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Analysis gates on real traffic: the example app's flaky v4 (its /health passes, its page answers 500 to about a third
 * of requests) deployed under load through a real HAProxy (or nginx in runtime mode), whose exporter the stack's real
 * Prometheus scrapes.
 */
public class AnalysisIntegrationTest {
    /** HAProxy's 5xx share of the judged color's servers (its server names are the replicas' endpoints). */
    static final String ERROR_RATE = "sum(rate(haproxy_server_http_responses_total{proxy=\"{{service}}\",server=~\"{{servers}}\",code=\"5xx\"}[10s]))"
            + " / sum(rate(haproxy_server_http_responses_total{proxy=\"{{service}}\",server=~\"{{servers}}\"}[10s]))";
    /** The same share from nginx's runtime mode: its Lua balancer counts each server's answers by status class. */
    static final String NGINX_ERROR_RATE = "sum(rate(bluegreen_nginx_server_responses_total{upstream=\"{{service}}\",server=~\"{{servers}}\",code=\"5xx\"}[10s]))"
            + " / sum(rate(bluegreen_nginx_server_responses_total{upstream=\"{{service}}\",server=~\"{{servers}}\"}[10s]))";
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("ana");
    private final Systems sys = Stack.shared().systems();
    private final List<DeployEvent> events = new CopyOnWriteArrayList<>();
    private HaproxyProxy haproxy;

    @Before
    public void proxy() throws Exception {
        Stack.requirePrometheus();
        haproxy = svc.haproxy();
    }

    /** No verify.url: its probe would see the 500s itself; here only the analysis (or nothing) judges the traffic. */
    private DeploymentSpec spec(String tag, String analysis) throws Exception {
        return spec(haproxy, tag, analysis);
    }

    private DeploymentSpec spec(Proxy proxy, String tag, String analysis) throws Exception {
        String extra = proxy.routerYaml() + "verify: { window: 1s }\n" + (analysis == null ? "" : analysis);
        return SpecReader.read(Specs.write(tmp.getRoot().toPath(), svc.name(), tag, null, "10m", extra), Map.of());
    }

    private static String analysis(String prometheus) {
        return analysis(prometheus, ERROR_RATE);
    }

    private static String analysis(String prometheus, String query) {
        return """
                analysis:
                  prometheus: %s
                  interval: 2s
                  window: 24s
                  metrics:
                    - name: error-rate
                      query: '%s'
                      max: 0.1
                """.formatted(prometheus, query);
    }

    private DeployResult deploy(DeploymentSpec spec) {
        return new Deployer(sys, events::add).deploy(spec);
    }

    @Test
    public void aReleaseWhosePagesFailIsRolledBackByTheAnalysisAndPromotedWithoutIt() throws Exception {
        deploy(spec("v1", null));
        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            Thread.sleep(2000);
            DeployFailedException e = assertThrows(DeployFailedException.class, () -> deploy(spec("v4", analysis(Stack.PROMETHEUS))));
            System.err.println("analysis verdict: " + e.getMessage());
            assertTrue(e.getMessage(), e.getMessage().matches("(?s).*verify analysis: error-rate of green = 0\\.[1-9][0-9]*, above max 0\\.1 .*"));
            assertTrue(e.getMessage(), e.getMessage().contains("traffic stays on blue"));
            HistoryRecord r = Stack.shared().history(svc.name(), 1).get(0);
            assertEquals("rolled-back", r.outcome());
            assertTrue(r.reason(), r.reason().contains("error-rate of green = 0."));
            assertEquals("blue", sys.store().readState(svc.name()).value().active());
            assertTrue(Stack.get(haproxy.url()).body().contains("version <b id=\"version\">v1"));

            // The same release without an analysis: its health gate passes, nothing looks at its pages, it is promoted.
            DeployResult promoted = deploy(spec("v4", null));
            assertEquals("green", promoted.color());
            Thread.sleep(1000);
            assertTrue("the load saw v4's failures once it was promoted: " + load.summary(), load.serverErrors() > 0);
        }
    }

    /** The analysis judges each canary step over its pause: the flaky release never takes all the traffic. */
    @Test
    public void aCanaryStepWhosePagesFailIsRolledBackByTheAnalysisBeforeTheFullFlip() throws Exception {
        deploy(spec("v1", null));
        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            Thread.sleep(2000);
            DeployFailedException e = assertThrows(DeployFailedException.class, () -> deploy(spec("v4", analysis(Stack.PROMETHEUS)
                    + "promotion: { steps: [ { weight: 25, pause: 16s }, { weight: 75, pause: 16s } ] }\n")));
            System.err.println("canary analysis verdict: " + e.getMessage());
            assertTrue(e.getMessage(), e.getMessage().matches("(?s).*canary step analysis: error-rate of green = 0\\.[1-9][0-9]*, above max 0\\.1 .*"));
            assertTrue(e.getMessage(), e.getMessage().contains("traffic stays on blue"));
            assertTrue("the analysis stopped it at the first step", events.stream().noneMatch(ev -> ev.message() != null
                    && ev.message().contains("canary step: 75%")));
            assertEquals("blue", sys.store().readState(svc.name()).value().active());
            assertTrue(Stack.get(haproxy.url()).body().contains("version <b id=\"version\">v1"));
        }
    }

    /** The same behind nginx in runtime mode: its Lua balancer shifts the weights, its own counters judge the step. */
    @Test
    public void aCanaryStepBehindNginxWhosePagesFailIsRolledBackAtItsFirstStep() throws Exception {
        NginxProxy nginx = svc.nginx();
        new Deployer(sys, events::add).deploy(spec(nginx, "v1", null));
        try (LoadProbe load = LoadProbe.start(nginx.url())) {
            Thread.sleep(2000);
            DeployFailedException e = assertThrows(DeployFailedException.class, () -> deploy(spec(nginx, "v4",
                    analysis(Stack.PROMETHEUS, NGINX_ERROR_RATE)
                            + "promotion: { steps: [ { weight: 25, pause: 16s }, { weight: 75, pause: 16s } ] }\n")));
            System.err.println("nginx canary analysis verdict: " + e.getMessage());
            assertTrue(e.getMessage(), e.getMessage().matches("(?s).*canary step analysis: error-rate of green = 0\\.[1-9][0-9]*, above max 0\\.1 .*"));
            assertTrue(events.stream().anyMatch(ev -> ev.message() != null && ev.message().contains("canary step: 25%")));
            assertTrue("the analysis stopped it at the first step", events.stream().noneMatch(ev -> ev.message() != null
                    && ev.message().contains("canary step: 75%")));
            assertEquals("blue", sys.store().readState(svc.name()).value().active());
            assertTrue(Stack.get(nginx.url()).body().contains("version <b id=\"version\">v1"));
            String route = java.nio.file.Files.readString(nginx.upstreamFile);
            assertEquals("blue alone, back at even weights: " + route, 2, route.lines().filter(l -> l.endsWith(" weight=1")).count());
        }
    }

    @Test
    public void anUnreachablePrometheusStopsTheDeployAtPreflightWithNothingChanged() throws Exception {
        deploy(spec("v1", null));
        ServiceState before = sys.store().readState(svc.name()).value();
        int records = Stack.shared().history(svc.name(), 100).size();
        SystemUnreachableException e = assertThrows(SystemUnreachableException.class,
                () -> deploy(spec("v2", analysis("http://127.0.0.1:" + ProxyScript.freePort()))));
        assertEquals("Prometheus", e.system());
        assertEquals(before, sys.store().readState(svc.name()).value());
        assertEquals(records, Stack.shared().history(svc.name(), 100).size());
    }
}
