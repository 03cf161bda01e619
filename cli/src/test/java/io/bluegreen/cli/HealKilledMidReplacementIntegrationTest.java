package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.it.HaproxyProxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Stack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The heal server killed with SIGKILL in the middle of a replacement: v1 of the example app (2 replicas) behind a real
 * HAProxy, {@code bluegreen heal-server --grace 1s} running as its own process; one replica killed; the moment the
 * heal's replacement container runs, {@code kill -9} the server. A restarted server must finish or undo what the
 * dead one left: no exited or unnamed container of the service, Consul's registrations exactly the running
 * containers the state names, no journal, HAProxy serving the active color, and traffic served.
 * <p>The dead server's lock session is only released by Consul after its TTL (15 s, which Consul may stretch to
 * 30 s), so the bound below leaves room for that.
 */
public class HealKilledMidReplacementIntegrationTest {
    private static final Duration SETTLED_WITHIN = Duration.ofSeconds(75);
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("hkill");
    private final String secret = "kill-" + UUID.randomUUID();
    private final List<Process> servers = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    @After
    public void stopServers() throws Exception {
        for (Process p : servers) {
            if (p.isAlive()) {
                p.destroy(); // SIGTERM: the server stops gracefully (a running heal gets up to 30 s)
                if (!p.waitFor(40, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        System.out.println(said());
    }

    /** {@code bluegreen heal-server} in a JVM of its own (so that it can be killed), once it listens. */
    private Process startServer() throws IOException, InterruptedException {
        Path log = tmp.getRoot().toPath().resolve("heal-server-" + (logs.size() + 1) + ".log");
        logs.add(log);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BlueGreenCli.class.getName(),
                "heal-server", "--listen", "127.0.0.1:0", "-s", svc.name(), "--grace", "1s", "--max-heals", "10", "--window", "10m")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(Stack.env());
        pb.environment().put("BLUEGREEN_HEAL_SECRET", secret);
        Process p = pb.start();
        servers.add(p);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains("listening on")) {
            if (!p.isAlive() || System.nanoTime() > end) {
                throw new AssertionError("the heal server did not start listening within 30 s:\n" + said());
            }
            Thread.sleep(50);
        }
        return p;
    }

    private String said() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < logs.size(); i++) {
            b.append("--- heal-server ").append(i + 1).append(" of ").append(svc.name()).append(" ---\n");
            try {
                b.append(Files.exists(logs.get(i)) ? Files.readString(logs.get(i)) : "(no output)\n");
            } catch (IOException e) {
                b.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return b.toString();
    }

    @Test
    public void aHealServerKilledMidReplacementLeavesNothingBehindOnceRestarted() throws Exception {
        String service = svc.name();
        HaproxyProxy haproxy = svc.haproxy();
        Cascade.deploy(tmp.getRoot().toPath(), service, "v1", haproxy);
        Cascade.State before = Cascade.awaitSteady(service, haproxy, 1, 2, Duration.ofSeconds(30));
        Process first = startServer();

        Set<String> existing = new TreeSet<>();
        Cascade.containers(service).forEach(c -> existing.add(c.name()));
        String victim = before.activeNames().get(0);
        Cascade.kill(List.of(victim));
        String replacement = Cascade.awaitReplacement(service, before.active(), existing, Duration.ofSeconds(30), this::said);
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(first.pid())).redirectErrorStream(true).start();
        assertTrue("kill -9 " + first.pid() + " did not run", kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);
        assertTrue("the heal server survived kill -9", first.waitFor(10, TimeUnit.SECONDS));
        String atKill = "when the server was killed: " + Cascade.containers(service) + ", registered " + Cascade.registered(service)
                + ", journal " + (Cascade.journal(service) ? "present" : "absent") + ", state " + Cascade.state(service);
        System.out.println("killed the heal server mid-replacement (" + replacement + " running); " + atKill);

        long restarted = System.nanoTime();
        startServer();
        // Settled: the killed replica replaced (a full color that does not name it) and nothing left behind.
        long end = restarted + SETTLED_WITHIN.toNanos();
        List<String> left;
        while (true) {
            Cascade.State s = Cascade.state(service);
            left = new ArrayList<>(Cascade.leftovers(service, haproxy, true));
            if (s != null && (s.activeNames().size() != 2 || s.activeNames().contains(victim))) {
                left.add(0, "the state's active color is not 2 replicas without the killed " + victim + ": " + s.names());
            }
            if (left.isEmpty() || System.nanoTime() > end) {
                break;
            }
            Thread.sleep(250);
        }
        double settledAfter = (System.nanoTime() - restarted) / 1e9;
        assertTrue(SETTLED_WITHIN.toSeconds() + " s after the restart something is still left behind:\n  - "
                + String.join("\n  - ", left) + "\n" + atKill + "\n" + said(), left.isEmpty());
        System.out.printf("settled %.1f s after the restart%n", settledAfter);
        assertEquals(before.active(), Cascade.state(service).active());
        Stack.Response r = Stack.getUntilOk(haproxy.url() + "info.json", Duration.ofSeconds(5));
        assertEquals(r.body(), 200, r.status());
        assertEquals(r.body(), "v1", Cascade.versionOf(r.body()));
    }
}
