package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.HealServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The heal server's dashboard in a real headless Chromium (Debian's), over a real deploy and flip through nginx:
 * it loads with no console error, shows the deploy the test made, and updates by itself after a flip; /metrics says
 * the same and the stack's Prometheus scrapes it. The screenshot goes to core/target/dashboard.png.
 */
public class DashboardBrowserTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("dash");

    private void deploy(String tag, Proxy proxy) throws Exception {
        new Deployer(Stack.shared().systems(), e -> { }).deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), tag, proxy, "10m", null));
    }

    @Test
    public void theDashboardShowsADeployAndFollowsAFlipWithNoConsoleError() throws Exception {
        Stack.requirePrometheus();
        String service = svc.name();
        // nginx in runtime mode, as the demo runs it: its Lua balancer's counters and histogram feed the plots
        NginxProxy nginx = svc.nginx();
        deploy("v1", nginx);
        BlueGreen bg = Stack.shared();
        Secret secret = new Secret("dashboard-test-secret-" + service);
        Path target = Stack.prometheusTargets().resolve("heal-" + service + ".json");
        try (HealServer server = HealServer.start(HealServer.Listeners.plain(new InetSocketAddress("127.0.0.1", 0)), secret,
                bg.watchReceiver(Map.of(), e -> { }, line -> { }), line -> { },
                Optional.of(bg.dashboard(List.of(service), Optional.of(URI.create(Stack.PROMETHEUS)))));
             LoadProbe load = LoadProbe.start(nginx.url());
             HeadlessChromium browser = HeadlessChromium.start()) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            Files.writeString(target, "[{\"targets\":[\"127.0.0.1:" + server.address().getPort() + "\"],\"labels\":{\"job\":\"bluegreen\"}}]\n");
            browser.navigate(base + "/dashboard/");
            String section = "document.querySelector('[data-service=\"" + service + "\"]')";
            assertTrue("the dashboard shows the test's deploy of v1 on blue",
                    browser.waitUntil(section + " !== null && " + section + ".querySelector('.active-color').textContent === 'blue'"
                            + " && " + section + ".querySelector('.timeline').textContent.includes('deploy')"
                            + " && " + section + ".querySelector('[data-color=\"blue\"] .version').textContent.includes('v1')",
                            Duration.ofSeconds(20)));

            deploy("v2", nginx);
            assertTrue("the dashboard follows the flip to green without a reload",
                    browser.waitUntil(section + ".querySelector('.active-color').textContent === 'green'"
                            + " && " + section + ".querySelector('[data-color=\"green\"] .version').textContent.includes('v2')"
                            + " && " + section + ".querySelector('[data-color=\"blue\"] .badge').textContent.startsWith('standby until')",
                            Duration.ofSeconds(20)));
            assertTrue("the timeline gets the v2 deploy", browser.waitUntil(
                    section + ".querySelectorAll('.timeline tr[data-id]').length === 2", Duration.ofSeconds(20)));
            assertTrue("the plots got Prometheus' series of the traffic through nginx", browser.waitUntil(
                    section + ".querySelector('[data-plot=\"requests\"] polyline') !== null && "
                            + section + ".querySelector('[data-plot=\"responseTime\"] polyline') !== null", Duration.ofSeconds(30)));
            assertTrue("nginx's histogram gives a real p99", browser.waitUntil(section
                    + ".querySelector('[data-plot=\"responseTime\"] figcaption').textContent.startsWith('p99')", Duration.ofSeconds(5)));
            browser.screenshot(Stack.ROOT.resolve("core/target/dashboard.png"));
            assertEquals("console errors, uncaught exceptions, error log entries", List.of(), browser.errors);

            String metrics = Stack.get(base + "/metrics").body();
            assertTrue(metrics, metrics.contains("bluegreen_active{service=\"" + service + "\",color=\"green\"} 1"));
            assertTrue(metrics, metrics.contains("bluegreen_replicas_passing{service=\"" + service + "\",color=\"green\"} 2"));
            assertTrue(metrics, metrics.contains("bluegreen_operations{service=\"" + service + "\",kind=\"deploy\",outcome=\"succeeded\"} 2"));
            // Memory and CPU come from a background sample (Docker's stats take a second each): asked again until they show.
            long sampled = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (metrics.lines().filter(l -> l.startsWith("bluegreen_replica_cpu_cores{service=\"" + service + "\"")).count() < 4
                    && System.nanoTime() < sampled) {
                Thread.sleep(500);
                metrics = Stack.get(base + "/metrics").body();
            }
            String usage = metrics;
            assertTrue("memory and CPU of each of the 4 replicas, from Docker's stats API: " + metrics,
                    usage.lines().filter(l -> l.startsWith("bluegreen_replica_memory_bytes{service=\"" + service + "\"")).count() == 4
                    && usage.lines().filter(l -> l.startsWith("bluegreen_replica_cpu_cores{service=\"" + service + "\"")).count() == 4);
            String scraped = "bluegreen_active{service=\"" + service + "\",color=\"green\"}";
            Stack.Response r = Stack.get(Stack.PROMETHEUS + "/api/v1/query?query=" + java.net.URLEncoder.encode(scraped, "UTF-8"));
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!r.body().contains("\"1\"") && System.nanoTime() < end) {
                Thread.sleep(500);
                r = Stack.get(Stack.PROMETHEUS + "/api/v1/query?query=" + java.net.URLEncoder.encode(scraped, "UTF-8"));
            }
            assertTrue("Prometheus scraped the heal server's /metrics: " + r.body(), r.body().contains("\"1\""));
            assertEquals("no request failed through the flip: " + load.summary(), 0, load.serverErrors() + load.connectionErrors());
        } finally {
            Files.deleteIfExists(target);
        }
    }
}
