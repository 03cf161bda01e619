package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.spec.BuildSpec;
import io.bluegreen.core.spec.StopSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
}
