package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.TrendSettings;
import io.bluegreen.core.heal.WatchReceiver;
import io.bluegreen.core.spec.SpecReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The heal server's trend rule against the real stack: one replica of the example app told to answer its page slowly
 * (POST /cgi-bin/slowdown; its /health stays fast and passing) under load through a real HAProxy, whose exporter the
 * stack's Prometheus scrapes, is replaced while its check still passes, without a failed request.
 */
public class TrendIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("trend");
    private final Systems sys = Stack.shared().systems();

    /** The heal server's workers for the service under test with the trend rule (looks every 1 s, acts on 2 in a row). */
    private WatchReceiver trendRule(Duration grace, Duration window, Duration latencyFloor, List<String> log) {
        TrendSettings trends = new TrendSettings(URI.create(Stack.PROMETHEUS), Duration.ofSeconds(1), window, 3.0, latencyFloor,
                0.05, 2);
        HealSettings heal = new HealSettings(grace, 3, Duration.ofMinutes(10), Duration.ofSeconds(30), Optional.empty());
        return Stack.shared().watchReceiver(Map.of(svc.name(), heal), Optional.of(trends), e -> { }, log::add);
    }

    private ColorState blue() {
        return sys.store().readState(svc.name()).value().color(Color.BLUE).orElseThrow();
    }

    /**
     * The flaky v4 (its /health passes, its page answers 500 to about a third of requests) deployed without an analysis
     * is promoted; the trend rule sees the whole new color fail more than the standby did before the release and flips
     * back to it.
     */
    @Test
    public void aReleaseWhosePagesFailIsRolledBackToTheStandbyByTheTrendRule() throws Exception {
        Stack.requirePrometheus();
        String service = svc.name();
        HaproxyProxy haproxy = svc.haproxy();
        Deployer deployer = new Deployer(sys, e -> { });
        deployer.deploy(Specs.spec(tmp.getRoot().toPath(), service, "v1", haproxy, "10m", null));
        List<String> log = new CopyOnWriteArrayList<>();
        WatchReceiver receiver = trendRule(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(100), log);
        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            Thread.sleep(2000);
            // No verify.url: its probe would see the 500s itself. Nothing but the trend rule looks at v4's pages.
            deployer.deploy(SpecReader.read(Specs.write(tmp.getRoot().toPath(), service, "v4", null, "10m",
                    haproxy.routerYaml() + "verify: { window: 1s }\n"), Map.of()));
            assertEquals("green", sys.store().readState(service).value().active());
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!"blue".equals(sys.store().readState(service).value().active()) && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            assertEquals("the trend rule flipped back to blue; the heal server said: " + log, "blue",
                    sys.store().readState(service).value().active());
            long recorded = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sys.store().history(service, 10).stream().noneMatch(r -> r.kind().equals("heal")) && System.nanoTime() < recorded) {
                Thread.sleep(250);
            }
            HistoryRecord h = sys.store().history(service, 10).stream().filter(r -> r.kind().equals("heal")).findFirst()
                    .orElseThrow(() -> new AssertionError("no heal record; log " + log));
            assertEquals("healed", h.outcome());
            assertTrue(h.reason(), h.reason().startsWith("rollback-degraded: trend: 5xx share of green (v4) over 10s = 0."));
            System.err.println("trend: " + h.reason() + "; load " + load.summary());
            assertTrue(Stack.get(haproxy.url()).body().contains("version <b id=\"version\">v1"));
        } finally {
            receiver.close(Duration.ofSeconds(10));
        }
    }

    /**
     * A replica whose check flaps (POST /cgi-bin/sick, then /cgi-bin/well, twice, each shorter than the heal's grace, so
     * the ordinary heal finds it recovered every time) is replaced by the trend rule while it passes.
     */
    @Test
    public void aReplicaWhoseCheckFlapsIsReplacedWhileItPasses() throws Exception {
        Stack.requirePrometheus();
        String service = svc.name();
        HaproxyProxy haproxy = svc.haproxy();
        new Deployer(sys, e -> { }).deploy(Specs.spec(tmp.getRoot().toPath(), service, "v1", haproxy, "10m", null));
        List<String> log = new CopyOnWriteArrayList<>();
        // A grace longer than the flapping: the ordinary heal looks again when the replica is well, and does nothing.
        WatchReceiver receiver = trendRule(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(100), log);
        try {
            String flapping = blue().replicaIds().get(0);
            String endpoint = blue().endpoints().get(0);
            Thread.sleep(3000); // the trend rule's first looks see every replica passing
            for (int i = 0; i < 2; i++) {
                assertEquals(200, Stack.post("http://" + endpoint + "/cgi-bin/sick", "").status());
                Thread.sleep(2000);
                assertEquals(200, Stack.post("http://" + endpoint + "/cgi-bin/well", "").status());
                Thread.sleep(2000);
            }
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (blue().replicaIds().contains(flapping) && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            assertFalse("the flapping replica is still named; the heal server said: " + log, blue().replicaIds().contains(flapping));
            long recorded = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sys.store().history(service, 10).stream().noneMatch(r -> r.kind().equals("heal") && r.outcome().equals("healed"))
                    && System.nanoTime() < recorded) {
                Thread.sleep(250);
            }
            HistoryRecord h = sys.store().history(service, 10).stream()
                    .filter(r -> r.kind().equals("heal") && r.outcome().equals("healed")).findFirst()
                    .orElseThrow(() -> new AssertionError("no heal record; log " + log));
            assertTrue(h.reason(), h.reason().startsWith("replace-degraded: trend: the check of " + flapping + " changed "));
            System.err.println("trend: " + h.reason());
        } finally {
            receiver.close(Duration.ofSeconds(10));
        }
    }

    @Test
    public void aReplicaThatSlowsDownIsReplacedBeforeItsCheckFails() throws Exception {
        Stack.requirePrometheus();
        String service = svc.name();
        HaproxyProxy haproxy = svc.haproxy();
        new Deployer(sys, e -> { }).deploy(Specs.spec(tmp.getRoot().toPath(), service, "v1", haproxy, "10m", null));
        List<String> log = new CopyOnWriteArrayList<>();
        // A 20 ms floor: HAProxy's average is over a server's last 1024 requests, and this test's one client sends few.
        WatchReceiver receiver = trendRule(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMillis(20), log);
        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            Thread.sleep(3000); // the exporter's first figures of both replicas
            String slow = blue().replicaIds().get(0);
            String endpoint = blue().endpoints().get(0);
            assertEquals(200, Stack.post("http://" + endpoint + "/cgi-bin/slowdown?0.5", "").status());
            long t0 = System.nanoTime();
            long end = t0 + Duration.ofSeconds(90).toNanos();
            boolean failedCheck = false;
            while (blue().replicaIds().contains(slow) && System.nanoTime() < end) {
                failedCheck |= sys.registry().instances(service).stream()
                        .anyMatch(i -> i.id().equals(slow) && i.health() == Instance.Health.CRITICAL);
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertFalse("the slow replica is still named after 90 s; the heal server said: " + log, blue().replicaIds().contains(slow));
            assertFalse("its check never failed: the trend acted first", failedCheck);
            assertEquals(2, blue().replicaIds().size());
            assertTrue("every replica of blue passes again", sys.registry().instances(service).stream()
                    .filter(i -> blue().replicaIds().contains(i.id())).allMatch(Instance::passing));
            // The state names the replacement once it passed and took traffic; the heal's record follows the retire (drain).
            long recorded = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (sys.store().history(service, 10).stream().noneMatch(r -> r.kind().equals("heal")) && System.nanoTime() < recorded) {
                Thread.sleep(250);
            }
            List<HistoryRecord> records = sys.store().history(service, 10);
            HistoryRecord h = records.stream().filter(r -> r.kind().equals("heal")).findFirst().orElseThrow(() -> new AssertionError(
                    "no heal record: " + records.stream().map(r -> r.kind() + " " + r.outcome() + " " + r.reason()).toList() + "; log " + log));
            assertEquals("healed", h.outcome());
            assertTrue(h.reason(), h.reason().startsWith("replace-degraded: trend: average response time (s) of " + slow + " = 0."));
            System.err.println("trend: slowdown to replacement passing and routed " + slow + " in " + String.format("%.1f", seconds) + " s: " + h.reason()
                    + "; load " + load.summary());
            assertEquals("no request failed: " + load.summary(), 0, load.serverErrors() + load.connectionErrors());
        } finally {
            receiver.close(Duration.ofSeconds(10));
        }
    }
}
