package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.port.ClusterException;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.StatusReport;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.spec.BuildSpec;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.TargetSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Colors placed across three real extra engines (each in its own network namespace), by each strategy. */
public class EnginesIntegrationTest {
    private static final String IMAGE = Stack.REGISTRY + "/vote:engines-it";
    private static List<ExtraEngines.Engine> engines;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("eng");
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeClass
    public static void engines() {
        engines = ExtraEngines.up(3);
        Stack.shared().systems().images().build(new BuildSpec(Stack.ROOT.resolve("examples/vote"), "Dockerfile",
                Map.of("VERSION", "v1")), IMAGE, m -> { });
    }

    @AfterClass
    public static void stopEngines() {
        ExtraEngines.down();
    }

    @After
    public void removeReplicas() throws Exception {
        ReplicaCluster all = systems(target(null, engines)).cluster();
        all.remove(all.list(svc.name()));
    }

    private TargetSpec target(String extra, List<ExtraEngines.Engine> on) throws Exception {
        return Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", null, "0s", ExtraEngines.target(on, extra)).target();
    }

    private Systems systems(TargetSpec t) {
        return Stack.shared().systemsFor(t);
    }

    private List<Replica> start(TargetSpec t, String service, int n) {
        ReplicaPlan plan = ReplicaPlan.whole(service, Color.BLUE, "v1", "d" + System.nanoTime(), IMAGE, n, 8080,
                "127.0.0.1", Map.of(), List.of());
        return systems(t).cluster().start(plan, events::add);
    }

    /** Replicas per engine name, read back from the engines themselves. */
    private static Map<String, Long> perEngine(ReplicaCluster cluster, String service) {
        return cluster.list(service).stream().collect(Collectors.groupingBy(
                r -> r.runtimeId().substring(0, r.runtimeId().indexOf('/')), TreeMap::new, Collectors.counting()));
    }

    @Test
    public void spreadPutsOneReplicaOnEachEngineReachableAtItsAddress() throws Exception {
        TargetSpec t = target("strategy: spread", engines);
        List<Replica> started = start(t, svc.name(), 3);
        assertEquals(Map.of("eng1", 1L, "eng2", 1L, "eng3", 1L), perEngine(systems(t).cluster(), svc.name()));
        Set<String> hosts = started.stream().map(r -> r.endpoint().host()).collect(Collectors.toSet());
        // Each engine's own address, in the network namespace scripts/engines.sh made for it.
        assertEquals(engines.stream().map(ExtraEngines.Engine::address).collect(Collectors.toSet()), hosts);
        for (Replica r : started) {
            // Started means running, not yet listening: nothing has gated these replicas.
            assertEquals(r.endpoint() + " answers", 200,
                    Stack.getUntilOk("http://" + r.endpoint() + "/health", Duration.ofSeconds(20)).status());
        }
    }

    @Test
    public void binpackFillsTheMostLoadedEngine() throws Exception {
        TargetSpec ballast = target("memory: 64m\nconstraints: [ \"node.labels.zone == b\" ]", engines);
        String other = svc.name() + "-ballast";
        try {
            start(ballast, other, 1);
            TargetSpec t = target("strategy: binpack\nmemory: 64m", engines);
            start(t, svc.name(), 3);
            assertEquals(Map.of("eng2", 3L), perEngine(systems(t).cluster(), svc.name()));
        } finally {
            systems(ballast).cluster().remove(systems(ballast).cluster().list(other));
        }
    }

    @Test
    public void randomHonoursEngineLabelConstraints() throws Exception {
        TargetSpec t = target("strategy: random\nconstraints: [ \"node.labels.zone == a\" ]", engines);
        start(t, svc.name(), 6);
        Map<String, Long> placed = perEngine(systems(t).cluster(), svc.name());
        assertEquals(6L, placed.values().stream().mapToLong(Long::longValue).sum());
        assertTrue(placed.toString(), Set.of("eng1", "eng3").containsAll(placed.keySet()));
    }

    @Test
    public void anEngineThatIsDownIsSkippedAndReported() throws Exception {
        List<ExtraEngines.Engine> withDead = new java.util.ArrayList<>(engines);
        withDead.add(new ExtraEngines.Engine("eng9", "unix://" + Stack.ROOT.resolve(".stack/engines/none.sock"), "127.0.0.1", "a"));
        TargetSpec t = target(null, withDead);
        start(t, svc.name(), 3);
        assertTrue(events.toString(), events.stream().anyMatch(e -> e.startsWith("engine(s) down, skipped: eng9")));
        assertEquals(Map.of("eng1", 1L, "eng2", 1L, "eng3", 1L), perEngine(systems(t).cluster(), svc.name()));
    }

    @Test
    public void capacityShortfallIsRefusedBeforeAnythingStarts() throws Exception {
        TargetSpec ports = target("hostPort: 18999", engines);
        try {
            start(ports, svc.name(), 4);
            fail("4 replicas on one fixed port do not fit on 3 engines");
        } catch (ClusterException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("short by 1 replica(s): engines with host port 18999 free"));
        }
        TargetSpec memory = target("memory: 20g", engines);
        try {
            start(memory, svc.name(), 4);
            fail("4 x 20 GiB do not fit on 3 engines of this machine's memory");
        } catch (ClusterException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("of memory; nothing was started"));
        }
        assertEquals(List.of(), systems(ports).cluster().list(svc.name()));
    }

    @Test
    public void blueGreenAcrossEnginesGatesFlipsAndRecordsTheTarget() throws Exception {
        NginxProxy nginx = svc.nginx();
        String target = ExtraEngines.target(engines, null);
        DeploymentSpec v1 = Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", nginx, "10m", target);
        DeploymentSpec v2 = Specs.spec(tmp.getRoot().toPath(), svc.name(), "v2", nginx, "10m", target);
        Systems sys = systems(v1.target());
        new Deployer(sys, e -> { }).deploy(v1);
        DeployResult r = new Deployer(sys, e -> { }).deploy(v2);
        assertEquals("green", r.color());
        assertTrue(Stack.get(nginx.url()).body().contains("v2"));
        Systems found = Stack.shared().systemsForService(svc.name());
        assertEquals(v1.target(), Stack.shared().systems().store().readState(svc.name()).value().target());
        Map<String, Long> placed = perEngine(found.cluster(), svc.name());
        assertEquals(placed.toString(), Set.of("eng1", "eng2", "eng3"), placed.keySet());
        assertEquals(4L, placed.values().stream().mapToLong(Long::longValue).sum());
        assertTrue(sys.registry().instances(svc.name()).stream().allMatch(i -> engines.stream().anyMatch(e -> e.address().equals(i.endpoint().host()))));

        DeploymentSpec local = Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", nginx, "10m", null);
        try {
            new Deployer(Stack.shared().systems(), e -> { }).deploy(local);
            fail("the local engine does not reach the replicas on eng1..eng3");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("target: is local (DOCKER_HOST's engine), but blue and green of "
                    + svc.name() + " run on engines (eng1") && e.getMessage().contains("nothing was changed"));
        }
        assertEquals("the refused deploy kept the recorded target", v1.target(),
                Stack.shared().systems().store().readState(svc.name()).value().target());
        assertTrue(Stack.get(nginx.url()).body().contains("v2"));
        assertEquals(placed, perEngine(found.cluster(), svc.name()));
    }

    /**
     * The front door's operations, as the CLI and the Jenkins plugin call them, choose the engines themselves: a
     * deploy those of its spec's target, status and rollback those the service's state records.
     */
    @Test
    public void theFrontDoorResolvesAnEnginesSpecToItsEngines() throws Exception {
        NginxProxy nginx = svc.nginx();
        String target = ExtraEngines.target(engines, null);
        BlueGreen bg = Stack.shared();
        DeploymentSpec v1 = Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", nginx, "10m", target);
        bg.deploy(v1, e -> { });
        bg.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v2", nginx, "10m", target), e -> { });

        Set<String> addresses = engines.stream().map(ExtraEngines.Engine::address).collect(Collectors.toSet());
        List<StatusReport.ReplicaStatus> replicas = bg.status(svc.name()).colors().stream()
                .flatMap(c -> c.replicaStatus().stream()).toList();
        assertEquals(replicas.toString(), 4, replicas.stream().filter(StatusReport.ReplicaStatus::running).count());
        assertTrue(replicas.toString(), replicas.stream().allMatch(r -> addresses.contains(r.endpoint().replaceFirst(":\\d+$", ""))));
        assertEquals("blue", bg.rollback(svc.name(), e -> { }).color());
        assertTrue(Stack.get(nginx.url()).body().contains("v1"));
        assertEquals(Set.of("eng1", "eng2", "eng3"), perEngine(systems(v1.target()).cluster(), svc.name()).keySet());
    }
}
