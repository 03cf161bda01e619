package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.it.HaproxyProxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Stack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A cascade while the heal server replaces a replica: v1 (blue) then v2 (green) of the example app behind a real
 * HAProxy, {@code bluegreen heal-server --grace 1s} running, light load through the proxy. One active replica is
 * killed; the moment the heal's replacement container for it runs, every other active replica and the replacement
 * are killed too. The heal server must give up the replacement and fail back to the passing blue standby at once:
 * the proxy serves v1 again within 5 s of that second wave, and once the heal settles nothing is left that the
 * state does not name.
 */
public class HealServerCascadeIntegrationTest {
    /** Second wave → the proxy serves the standby's version again. */
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(5);
    /** How long the test keeps looking after that, only to report the time it did take. */
    private static final Duration MEASURE_UP_TO = Duration.ofSeconds(40);
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("hcas");
    private CliRun server;

    @After
    public void stopServer() throws Exception {
        if (server != null) {
            server.close();
            System.out.println("--- heal-server of " + svc.name() + " ---\n" + server.all());
        }
    }

    @Test
    public void everyActiveReplicaDyingDuringAReplacementFailsBackToTheStandbyAtOnce() throws Exception {
        String service = svc.name();
        HaproxyProxy haproxy = svc.haproxy();
        Path dir = tmp.getRoot().toPath();
        Cascade.deploy(dir, service, "v1", haproxy);
        Cascade.deploy(dir, service, "v2", haproxy);
        Cascade.State before = Cascade.awaitSteady(service, haproxy, 2, 2, Duration.ofSeconds(30));
        assertEquals("green", before.active());
        String standbyVersion = before.versions().get(before.standby());
        assertEquals("v1", standbyVersion);

        Map<String, String> env = new HashMap<>(Stack.env());
        env.put("BLUEGREEN_HEAL_SECRET", "cascade-" + UUID.randomUUID());
        server = CliRun.background(env, "listening on", "heal-server", "--listen", "127.0.0.1:0", "-s", service,
                "--grace", "1s", "--max-heals", "10", "--window", "10m");

        try (Cascade.Prober load = new Cascade.Prober(haproxy.url() + "info.json")) {
            Thread.sleep(500);
            Set<String> existing = new TreeSet<>();
            Cascade.containers(service).forEach(c -> existing.add(c.name()));
            List<String> active = before.activeNames();
            String victim = active.get(0);
            long firstKill = System.nanoTime();
            Cascade.kill(List.of(victim));
            String replacement = Cascade.awaitReplacement(service, before.active(), existing, Duration.ofSeconds(30),
                    () -> "heal-server said:\n" + server.all());

            List<String> secondWave = new ArrayList<>(active.subList(1, active.size()));
            secondWave.add(replacement);
            long t0 = System.nanoTime();
            String killed = Cascade.kill(secondWave);
            long served = load.awaitServed(t0, standbyVersion, MEASURE_UP_TO);
            double replacementAfterMs = (t0 - firstKill) / 1e6;
            String measured = served < 0 ? "not within " + MEASURE_UP_TO.toSeconds() + " s"
                    : String.format("%.0f ms", (served - t0) / 1e6);
            String report = "killed " + victim + ", then " + String.format("%.0f", replacementAfterMs) + " ms later (replacement "
                    + replacement + " running) " + secondWave + " [" + killed.strip().replace('\n', ' ') + "]; the proxy served "
                    + standbyVersion + " again after " + measured + " ("
                    + (served < 0 ? "?" : load.failedBetween(firstKill, served)) + " failed requests of " + load.count() + ")";
            System.out.println("cascade " + service + ": " + report);
            assertTrue("the proxy did not serve the standby's " + standbyVersion + " within " + SERVED_WITHIN.toSeconds()
                            + " s of the second wave: " + report + "\nheal-server said:\n" + server.all(),
                    served > 0 && served - t0 <= SERVED_WITHIN.toNanos());
        }

        List<String> left = Cascade.awaitNoLeftovers(service, haproxy, false, Duration.ofSeconds(60));
        assertTrue("60 s after the fail-back something is left that the state does not name:\n  - "
                + String.join("\n  - ", left) + "\nheal-server said:\n" + server.all(), left.isEmpty());
        assertEquals("traffic stays on the standby it failed back to", before.standby(), Cascade.state(service).active());
        Stack.Response r = Stack.get(haproxy.url() + "info.json");
        assertEquals(r.body(), 200, r.status());
        assertEquals(r.body(), standbyVersion, Cascade.versionOf(r.body()));
    }
}
