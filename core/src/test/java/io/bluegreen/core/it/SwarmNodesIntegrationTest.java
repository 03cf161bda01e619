package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.SwarmSpec;
import io.bluegreen.core.docker.DockerEngine;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A three-node swarm: a manager and two workers, each a real engine in its own network namespace (scripts/engines.sh
 * routes the namespaces to each other and relays the loopback registry into each, as a real swarm's nodes reach
 * their registry). The workers get the image only from the registry.
 */
public class SwarmNodesIntegrationTest {
    private static List<ExtraEngines.Engine> nodes;
    private static final List<DockerEngine> engines = new ArrayList<>();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("nodes");

    @BeforeClass
    public static void swarm() {
        nodes = ExtraEngines.up(3);
        nodes.forEach(n -> engines.add(new DockerEngine(Stack.connections(), n.host(), null)));
        manager().client().initializeSwarmCmd(new SwarmSpec())
                .withListenAddr(nodes.get(0).address() + ":2377").withAdvertiseAddr(nodes.get(0).address()).exec();
        String token = manager().client().inspectSwarmCmd().exec().getJoinTokens().getWorker();
        for (int i = 1; i < nodes.size(); i++) {
            engines.get(i).client().joinSwarmCmd().withRemoteAddrs(List.of(nodes.get(0).address() + ":2377"))
                    .withJoinToken(token).withListenAddr(nodes.get(i).address() + ":2377")
                    .withAdvertiseAddr(nodes.get(i).address()).exec();
        }
        // A node that joined is not at once ready for tasks; the spread below needs all three.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (manager().client().listSwarmNodesCmd().exec().stream()
                .filter(n -> n.getStatus().getState() == SwarmNodeState.READY).count() < nodes.size()) {
            if (System.nanoTime() > end) {
                fail("the swarm's nodes were not all ready within 30 s: " + manager().client().listSwarmNodesCmd().exec());
            }
            sleep(200);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static DockerEngine manager() {
        return engines.get(0);
    }

    @AfterClass
    public static void leave() throws Exception {
        try {
            for (DockerEngine e : engines) {
                e.close();
            }
        } finally {
            ExtraEngines.down();
        }
    }

    @After
    public void removeServices() throws Exception {
        Systems sys = Stack.shared().systemsFor(spec("v1", 6, "").target());
        sys.cluster().remove(sys.cluster().list(svc.name()));
        for (SwarmNode n : manager().client().listSwarmNodesCmd().exec()) {
            if (n.getSpec().getAvailability() != SwarmNodeAvailability.ACTIVE) {
                availability(n, SwarmNodeAvailability.ACTIVE);
            }
        }
    }

    private DeploymentSpec spec(String tag, int replicas, String targetExtra) throws Exception {
        String target = "target:\n  type: swarm\n" + targetExtra + "  swarm: { host: \"" + nodes.get(0).host() + "\" }\n";
        Path f = Specs.write(tmp.getRoot().toPath(), svc.name(), tag, svc.nginx(), "10m", target);
        Files.writeString(f, Files.readString(f).replace("replicas: 2", "replicas: " + replicas)
                .replace("deadline: 12s", "deadline: 30s"));
        return SpecReader.read(f, Map.of());
    }

    private static void availability(SwarmNode n, SwarmNodeAvailability a) {
        manager().client().updateSwarmNodeCmd().withSwarmNodeId(n.getId()).withVersion(n.getVersion().getIndex())
                .withSwarmNodeSpec(n.getSpec().withAvailability(a)).exec();
    }

    @Test
    public void aColorSpreadsOverEveryNodeFlipsAndRollsBack() throws Exception {
        Systems sys = Stack.shared().systemsFor(spec("v1", 6, "").target());
        assertEquals("blue", new Deployer(sys, e -> { }).deploy(spec("v1", 6, "")).color());

        List<Replica> blue = sys.cluster().list(svc.name());
        Map<String, Long> perNode = blue.stream().collect(Collectors.groupingBy(r -> r.endpoint().host(), TreeMap::new,
                Collectors.counting()));
        assertEquals("Swarm spread the tasks over the manager and both workers: " + perNode,
                nodes.stream().map(ExtraEngines.Engine::address).collect(Collectors.toSet()), perNode.keySet());
        assertEquals(6L, perNode.values().stream().mapToLong(Long::longValue).sum());
        Map<String, String> registered = sys.registry().instances(svc.name()).stream().filter(Instance::passing)
                .collect(Collectors.toMap(Instance::id, i -> i.endpoint().toString()));
        assertEquals("each task is registered at its own node's address and port",
                blue.stream().collect(Collectors.toMap(Replica::id, r -> r.endpoint().toString())), registered);
        for (int i = 1; i < engines.size(); i++) {
            assertTrue("worker " + nodes.get(i).name() + " pulled the tag from the registry itself",
                    engines.get(i).client().listImagesCmd().withImageNameFilter(Stack.REGISTRY + "/vote:v1").exec().size() == 1);
        }
        assertTrue(Stack.get(svc.nginx().url()).body().contains("v1"));

        assertEquals("green", new Deployer(sys, e -> { }).deploy(spec("v2", 6, "")).color());
        assertTrue(Stack.get(svc.nginx().url()).body().contains("v2"));
        assertEquals(Color.BLUE.label(), new StandbyRollback(Stack.shared().systemsForService(svc.name()), e -> { })
                .rollback(svc.name()).color());
        assertTrue(Stack.get(svc.nginx().url()).body().contains("v1"));
    }

    @Test
    public void aDrainedNodeIsLeftOutOfTheCapacityCheckAndNamed() throws Exception {
        SwarmNode worker = manager().client().listSwarmNodesCmd().exec().stream()
                .filter(n -> n.getStatus().getAddress().equals(nodes.get(2).address())).findFirst().orElseThrow();
        availability(worker, SwarmNodeAvailability.DRAIN);
        // One task per node on a fixed host port: three tasks need three nodes that take tasks.
        DeploymentSpec v1 = spec("v1", 3, "  hostPort: 18399\n");
        List<String> events = new CopyOnWriteArrayList<>();
        try {
            new Deployer(Stack.shared().systemsFor(v1.target()), e -> events.add(e.message())).deploy(v1);
            fail("two active nodes cannot hold three tasks on one fixed host port");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("short by 1 replica(s)")
                    && e.getMessage().contains("no service was created"));
        }
        assertTrue(events.toString(), events.stream().anyMatch(m -> m.startsWith("node(s) that take no tasks, skipped: ")
                && m.contains(worker.getId().substring(0, 12)) && m.contains("ready, drain")));
        assertEquals(List.of(), manager().client().listServicesCmd()
                .withLabelFilter(Map.of("bluegreen.service", svc.name())).exec());
        assertEquals(Set.of(), Set.copyOf(Stack.shared().systems().registry().instances(svc.name())));
    }
}
