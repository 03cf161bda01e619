package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.it.HaproxyProxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Stack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The script handler in a cascade: {@code bluegreen heal -s S --grace 1s} fed on stdin the checks watch payload
 * Consul gives for one dead active replica (v1 blue, v2 green, a real HAProxy). While the command's replacement for
 * it gates, every other active replica and the replacement are killed. A handler is started once per watch firing and
 * must not leave the service dark: it re-observes after a heal that failed or was interrupted, so before it exits
 * traffic is back on the passing blue standby, within 10 s of the second wave.
 */
public class ScriptHandlerCascadeIntegrationTest {
    /** Second wave → the proxy serves the standby's version. */
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(10);
    /** Second wave → the command has exited (it may repair the dead color into a standby before it does). */
    private static final Duration EXITED_WITHIN = Duration.ofSeconds(20);
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("hscas");
    private CliRun heal;

    @After
    public void stopHeal() throws Exception {
        if (heal != null) {
            heal.close();
            System.out.println("--- bluegreen heal of " + svc.name() + " (exit " + heal.exit() + ") ---\n" + heal.all());
        }
    }

    @Test
    public void aHandlerWhoseReplacementIsOvertakenFailsBackBeforeItExits() throws Exception {
        String service = svc.name();
        HaproxyProxy haproxy = svc.haproxy();
        Path dir = tmp.getRoot().toPath();
        Cascade.deploy(dir, service, "v1", haproxy);
        Cascade.deploy(dir, service, "v2", haproxy);
        Cascade.State before = Cascade.awaitSteady(service, haproxy, 2, 2, Duration.ofSeconds(30));
        String standbyVersion = before.versions().get(before.standby());
        assertEquals("v1", standbyVersion);

        try (Cascade.Prober load = new Cascade.Prober(haproxy.url() + "info.json")) {
            Set<String> existing = new TreeSet<>();
            Cascade.containers(service).forEach(c -> existing.add(c.name()));
            List<String> active = before.activeNames();
            String victim = active.get(0);
            long firstKill = System.nanoTime();
            Cascade.kill(List.of(victim));
            // What `consul watch -type=checks -service=S` would hand the handler now: Consul's own view, the victim critical.
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Cascade.critical(service, victim)) {
                assertTrue("Consul did not call " + victim + " critical within 10 s of its kill", System.nanoTime() < end);
                Thread.sleep(100);
            }
            String payload = Cascade.checksPayload(service);
            heal = CliRun.start(Stack.env(), payload, "heal", "-s", service, "--grace", "1s", "--max-heals", "10", "--window", "10m");

            String replacement = Cascade.awaitReplacement(service, before.active(), existing, Duration.ofSeconds(20),
                    () -> "bluegreen heal " + (heal.running() ? "still runs" : "exited " + heal.exit()) + ":\n" + heal.all());
            List<String> secondWave = new ArrayList<>(active.subList(1, active.size()));
            secondWave.add(replacement);
            long t0 = System.nanoTime();
            Cascade.kill(secondWave);

            // Served again by the standby, or the command gave up first (then nothing else would fail back).
            long served = -1;
            long deadline = t0 + SERVED_WITHIN.toNanos();
            while (System.nanoTime() < deadline && (served = load.firstServed(t0, standbyVersion)) < 0 && heal.running()) {
                Thread.sleep(20);
            }
            if (served < 0) {
                served = load.firstServed(t0, standbyVersion);
            }
            boolean exited = heal.await(Duration.ofNanos(Math.max(1, t0 + EXITED_WITHIN.toNanos() - System.nanoTime())));
            double exitedAfter = (System.nanoTime() - t0) / 1e6;
            String report = "killed " + victim + ", then " + String.format("%.0f", (t0 - firstKill) / 1e6) + " ms later "
                    + secondWave + " (" + replacement + " is the replacement); the proxy served " + standbyVersion + " again "
                    + (served < 0 ? "not (yet)" : String.format("after %.0f ms", (served - t0) / 1e6)) + "; the command "
                    + (exited ? String.format("exited %d after %.0f ms", heal.exit(), exitedAfter)
                    : "still ran after " + EXITED_WITHIN.toSeconds() + " s");
            System.out.println("script cascade " + service + ": " + report);
            String said = "\nbluegreen heal said:\n" + heal.all();
            assertTrue("the proxy did not serve the standby's " + standbyVersion + " within " + SERVED_WITHIN.toSeconds()
                    + " s of the second wave: " + report + said, served > 0 && served - t0 <= SERVED_WITHIN.toNanos());
            assertTrue("the command did not end within " + EXITED_WITHIN.toSeconds() + " s of the second wave: " + report + said, exited);
        }
        Cascade.State after = Cascade.state(service);
        assertEquals("when the command ended, traffic was not on the standby: " + after + "\n" + heal.all(),
                before.standby(), after.active());
        Stack.Response r = Stack.get(haproxy.url() + "info.json");
        assertEquals(r.body(), 200, r.status());
        assertEquals(r.body(), standbyVersion, Cascade.versionOf(r.body()));
    }
}
