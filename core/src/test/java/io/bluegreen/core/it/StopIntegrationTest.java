package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.spec.BuildSpec;
import io.bluegreen.core.spec.StopSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * The spec's {@code stop} on the real engine: the container carries its signal and timeout, and a retire waits that
 * timeout, not Docker's 10 s, for a replica that ignores its signal (the example app ignores SIGWINCH, as shells do).
 */
public class StopIntegrationTest {
    private static final String IMAGE = Stack.REGISTRY + "/vote:stop-it";
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("stop");
    @Rule
    public org.junit.rules.TemporaryFolder tmp = new org.junit.rules.TemporaryFolder();

    @BeforeClass
    public static void image() {
        Stack.shared().systems().images().build(new BuildSpec(Stack.ROOT.resolve("examples/vote"), "Dockerfile",
                Map.of("VERSION", "v1")), IMAGE, m -> { });
    }

    private static ReplicaPlan plan(String service) {
        return ReplicaPlan.whole(service, Color.BLUE, "v1", "d" + System.nanoTime(), IMAGE, 1, 8080, "127.0.0.1", Map.of(), List.of());
    }

    private static long removalMillis(ReplicaCluster cluster, List<Replica> replicas) {
        long t0 = System.nanoTime();
        cluster.remove(replicas);
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    @Test
    public void aReplicaIgnoringItsStopSignalIsWaitedOnForTheSpecsTimeoutOnly() {
        ReplicaCluster cluster = Stack.shared().systems().cluster();
        StopSpec stop = new StopSpec(Optional.of("SIGWINCH"), Optional.of(Duration.ofSeconds(2)));
        List<Replica> deaf = cluster.start(plan(svc.name()).withStop(stop), m -> { });
        assertEquals("SIGWINCH 2", Stack.docker("inspect", "-f", "{{.Config.StopSignal}} {{.Config.StopTimeout}}",
                deaf.get(0).runtimeId()).strip());
        long waited = removalMillis(cluster, deaf);
        assertTrue("waited " + waited + " ms: the 2 s timeout, then SIGKILL", waited >= 1_800 && waited < 8_000);

        List<Replica> plain = cluster.start(plan(svc.name()), m -> { });
        assertEquals("Docker's own: the image's signal (none set), no timeout of ours", "<nil>",
                Stack.docker("inspect", "-f", "{{.Config.StopSignal}} {{.Config.StopTimeout}}", plain.get(0).runtimeId()));
        long drained = removalMillis(cluster, plain);
        assertTrue("the app drains on SIGTERM and exits at once: " + drained + " ms", drained < 8_000);
    }

    /** A deploy whose retired color ignores its stop signal says what it waits on, and waits the spec's timeout only. */
    @Test
    public void aRetireSaysWhichReplicaItWaitsOnWhenItIgnoresItsSignal() throws Exception {
        List<DeployEvent> events = new CopyOnWriteArrayList<>();
        String stop = "stop: { signal: SIGWINCH, timeout: 4s }\n";
        Deployer deployer = new Deployer(Stack.shared().systems(), events::add);
        deployer.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", null, "0", stop));
        List<String> blue = Stack.shared().systems().store().readState(svc.name()).value().color(Color.BLUE).orElseThrow()
                .replicaIds();
        DeployResult second = deployer.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v2", null, "0", stop));
        String said = events.stream().map(DeployEvent::message).filter(m -> m != null && m.startsWith("waiting on "))
                .findFirst().orElse("");
        assertTrue("the retire named what it waited on: " + said, blue.stream().allMatch(said::contains)
                && said.contains("stop.timeout"));
        long retire = second.phases().stream().filter(p -> p.phase().equals("retire")).mapToLong(p -> p.ms()).sum();
        assertTrue("the retire waited the spec's 4 s, then the kill: " + retire + " ms", retire >= 3_500 && retire < 9_000);
    }
}
