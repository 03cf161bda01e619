package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.it.NginxProxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Specs;
import io.bluegreen.core.it.Stack;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Self-healing end to end with Consul itself calling our script handler: a real `consul watch -type=checks`
 * runs `bluegreen heal -s SERVICE` on every change, while the test kills replicas with `docker kill`.
 */
public class ScriptHandlerIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("heal");
    private final BlueGreen bg = Stack.shared();
    private String service;
    private NginxProxy nginx;
    private Process watch;
    private Path handlerLog;

    @Before
    public void names() throws Exception {
        service = svc.name();
        nginx = svc.nginx();
    }

    @After
    public void stopWatch() throws Exception {
        if (watch != null) {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
        if (handlerLog != null && Files.exists(handlerLog)) {
            System.out.println("--- heal handler log of " + service + " ---\n" + Files.readString(handlerLog));
        }
    }

    private void deploy(String tag, String keep) throws Exception {
        new Deployer(bg.systems(), e -> { }).deploy(Specs.spec(tmp.getRoot().toPath(), service, tag, nginx, keep, null));
    }

    /** `consul watch` with our CLI as its handler, exactly as `bluegreen watch-config --script` sets it up. */
    private void startWatch(String... healFlags) throws Exception {
        handlerLog = tmp.getRoot().toPath().resolve("heal.log");
        Path handler = tmp.getRoot().toPath().resolve("heal.sh");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(handler, "#!/bin/sh\nexec " + java + " -cp '" + System.getProperty("java.class.path") + "' "
                + BlueGreenCli.class.getName() + " heal -s " + service + " " + String.join(" ", healFlags)
                + " >> " + handlerLog + " 2>&1\n");
        Files.setPosixFilePermissions(handler, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("consul", "watch", "-http-addr=" + Stack.connections().consul().getAuthority(),
                "-type=checks", "-service=" + service, handler.toString())
                .redirectErrorStream(true).redirectOutput(tmp.getRoot().toPath().resolve("watch.log").toFile());
        // The handler inherits the watch's environment: the stack's state key among it, as an agent's would be set up.
        pb.environment().putAll(Stack.env());
        watch = pb.start();
    }

    private ServiceState state() {
        return bg.systems().store().readState(service).value();
    }

    private List<String> activeIds() {
        ServiceState s = state();
        return s.color(s.activeColor().orElseThrow()).map(ColorState::replicaIds).orElse(List.of());
    }

    private boolean allPassing(List<String> ids) {
        Set<String> passing = bg.systems().registry().instances(service).stream().filter(Instance::passing)
                .map(Instance::id).collect(Collectors.toSet());
        return !ids.isEmpty() && passing.containsAll(ids);
    }

    private static void kill(List<String> containerNames) throws Exception {
        for (String name : containerNames) {
            Process p = new ProcessBuilder("docker", "kill", name).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + seconds + "s: " + what);
            }
            Thread.sleep(250);
        }
    }

    private List<HistoryRecord> history(String kind) {
        return bg.systems().store().history(service, 100).stream().filter(h -> h.kind().equals(kind)).toList();
    }

    @Test
    public void oneDeadReplicaIsReplacedInPlace() throws Exception {
        deploy("v1", "10m");
        List<String> before = activeIds();
        startWatch("--grace", "1s");
        kill(List.of(before.get(0)));
        await("the killed replica is replaced and every active replica passes", 60, () -> {
            List<String> now = activeIds();
            return !now.contains(before.get(0)) && now.contains(before.get(1)) && now.size() == 2 && allPassing(now);
        });
        assertEquals("blue", state().active());
        assertEquals(200, Stack.get(nginx.url()).status());
        assertTrue(Files.readString(nginx.upstreamFile).contains(state().color(io.bluegreen.core.engine.Color.BLUE)
                .orElseThrow().endpoints().get(1)));
        await("the heal is recorded", 30, () ->
                history("heal").stream().anyMatch(h -> h.outcome().equals("healed") && h.reason().startsWith("replace")));
    }

    @Test
    public void allActiveDeadFailsBackToTheWarmStandby() throws Exception {
        deploy("v1", "10m");
        deploy("v2", "10m");
        List<String> green = activeIds();
        startWatch("--grace", "1s");
        kill(green);
        await("traffic is back on the blue standby", 60, () -> "blue".equals(state().active()));
        assertTrue(Stack.get(nginx.url()).body().contains("v1"));
        await("green is repaired into a warm standby again", 90, () -> {
            List<String> g = state().color(io.bluegreen.core.engine.Color.GREEN).map(ColorState::replicaIds).orElse(List.of());
            return g.size() == 2 && g.stream().noneMatch(green::contains) && allPassing(g);
        });
        await("the heal is recorded", 30, () -> history("heal").stream().anyMatch(h -> h.reason().startsWith("fail-back")));
    }

    @Test
    public void allDeadWithNoStandbyIsRedeployed() throws Exception {
        deploy("v1", "0");
        List<String> blue = activeIds();
        startWatch("--grace", "1s");
        kill(blue);
        await("the heal redeployed v1", 90, () -> history("heal").stream()
                .anyMatch(h -> h.reason().startsWith("redeploy") && h.outcome().equals("healed")));
        assertEquals("green", state().active());
        assertTrue(allPassing(activeIds()));
        assertTrue(Stack.get(nginx.url()).body().contains("v1"));
    }

    @Test
    public void aFlappingCheckDoesNotCauseAHealStorm() throws Exception {
        deploy("v1", "10m");
        List<String> ids = activeIds();
        String endpoint = state().color(io.bluegreen.core.engine.Color.BLUE).orElseThrow().endpoints().get(0);
        startWatch("--grace", "1s", "--max-heals", "1", "--window", "10m");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            post("http://" + endpoint + "/cgi-bin/sick");
            Thread.sleep(1500);
            post("http://" + endpoint + "/cgi-bin/well");
            Thread.sleep(1500);
        }
        Thread.sleep(3000);
        // Else the test proves nothing: the watch must have run the handler on the flapping check more than once, and the
        // handler must have seen the replica fail (the payload may already say passing: the heal re-reads Consul).
        String handled = Files.readString(handlerLog);
        long firings = handled.lines().filter(l -> l.startsWith("watch payload: ")).count();
        assertTrue("the watch ran the handler at least twice, saw " + firings + ":\n" + handled, firings >= 2);
        assertTrue("the handler saw the flapping replica fail:\n" + handled, handled.contains(" replicas failed: "));
        long acted = history("heal").stream().filter(h -> !h.outcome().equals("skipped")).count();
        assertTrue("at most one heal acted while the check flapped, saw " + acted + ": " + history("heal"), acted <= 1);
        assertTrue("the rate limit was reported, not silently applied over and over",
                history("heal").stream().filter(h -> h.outcome().equals("skipped")).count() <= 1);
        assertEquals(2, activeIds().size());
        assertFalse(ids.isEmpty());
    }

    /** The flapping replica may have been replaced (once) meanwhile: a refused connection is expected then. */
    private static void post(String url) throws InterruptedException {
        try {
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (java.io.IOException replaced) {
            // nothing to flap any more
        }
    }

    static {
        // consul watch runs its handler through sh: make sure the test JVM's own java is what the handler uses.
        assertTrue(new File(System.getProperty("java.home"), "bin/java").canExecute());
    }
}
