package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Phase;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.heal.HealDecision;
import io.bluegreen.core.heal.HealOutcome;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.spec.DeploymentSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
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
 * The reference architecture for real (scripts/cluster.sh): three Consul servers, the manager's agent the deployer
 * talks to, three nodes each with its engine and its own agent. Each replica is registered at the agent of its node,
 * so the deployer's agent may vanish, and a node's death is Consul's serfHealth, which the heal acts on.
 */
public class ClusterIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HealSettings NOW = new HealSettings(Duration.ZERO, 5, Duration.ofMinutes(10), Duration.ofSeconds(60),
            Optional.empty());
    private static ConsulCluster cluster;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("clu");
    private final List<String> events = new CopyOnWriteArrayList<>();
    private BlueGreen deployer;

    @BeforeClass
    public static void clusterUp() {
        Stack.shared();
        cluster = ConsulCluster.up();
    }

    @AfterClass
    public static void clusterDown() {
        ConsulCluster.down();
    }

    /** Every part back (a test kills some), and what the test deployed gone from the nodes. */
    @After
    public void cleanUp() throws Exception {
        cluster = ConsulCluster.up();
        try (BlueGreen bg = connect(cluster.servers.get(0))) {
            Stack.cleanUp(bg.systemsFor(spec("v1").target()), svc.name());
        }
        if (deployer != null) {
            deployer.close();
        }
    }

    private static BlueGreen connect(String agent) {
        return BlueGreen.connect(Connections.fromEnvironment(ConsulCluster.env(agent)));
    }

    private DeploymentSpec spec(String tag) throws Exception {
        return Specs.spec(tmp.getRoot().toPath(), svc.name(), tag, svc.haproxy(), "10m", cluster.target());
    }

    /** Node name of each registration of the service, by replica ID, as a server's catalog says. */
    private Map<String, String> nodeOfEach(String server) throws Exception {
        JsonNode all = JSON.readTree(Stack.get(server + "/v1/catalog/service/" + svc.name()).body());
        Map<String, String> out = new TreeMap<>();
        all.forEach(e -> out.put(e.path("ServiceID").asText(), e.path("Node").asText()));
        return out;
    }

    private static String nodeAt(String address) {
        return cluster.nodes.stream().filter(n -> n.address().equals(address)).findFirst().orElseThrow().name();
    }

    @Test
    public void eachReplicaIsRegisteredAtItsNodeAndOutlivesTheDeployersAgent() throws Exception {
        deployer = connect(cluster.manager);
        deployer.deploy(spec("v1"), e -> events.add(e.message()));
        ServiceState state = deployer.systems().store().readState(svc.name()).value();
        ColorReplicas blue = ColorReplicas.of(deployer, svc.name(), Color.BLUE);
        String server = cluster.servers.get(1);
        Map<String, String> nodes = nodeOfEach(server);
        assertEquals(blue.ids, nodes.keySet());
        for (Instance i : blue.instances) {
            assertEquals(i.id() + " lives on the node it runs on", nodeAt(i.endpoint().host()), nodes.get(i.id()));
        }
        for (boolean gracefully : new boolean[] {false, true}) {
            cluster.killManagerAgent(gracefully);
            awaitManagerGone(server, gracefully);
            try (BlueGreen elsewhere = connect(server)) {
                List<Instance> after = elsewhere.systems().registry().instances(svc.name());
                assertEquals((gracefully ? "left: " : "killed: ") + after, blue.ids,
                        after.stream().filter(Instance::passing).map(Instance::id).collect(Collectors.toSet()));
                HealOutcome heal = elsewhere.healer(svc.name(), NOW, e -> { }).heal(svc.name());
                assertEquals(heal.reason(), HealDecision.Action.NONE, heal.action());
                assertEquals(state.active(), elsewhere.systems().store().readState(svc.name()).value().active());
            }
            cluster = ConsulCluster.up();
        }
    }

    /** Until a server's catalog sees the manager's agent gone: failed (serfHealth critical) or left (no node). */
    private static void awaitManagerGone(String server, boolean left) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            Stack.Response r = Stack.get(server + "/v1/health/node/manager");
            if (r.status() == 200 && (left ? r.body().equals("[]") : r.body().contains("\"critical\""))) {
                return;
            }
            Thread.sleep(250);
        }
        fail("the servers did not see the manager's agent " + (left ? "leave" : "fail") + " within 60 s");
    }

    @Test
    public void aDeadNodesReplicasAreReplacedOnTheSurvivingNodes() throws Exception {
        deployer = connect(cluster.manager);
        DeploymentSpec v1 = spec("v1");
        deployer.deploy(v1, e -> { });
        ColorReplicas blue = ColorReplicas.of(deployer, svc.name(), Color.BLUE);
        Instance victim = blue.instances.get(0);
        ConsulCluster.Node dead = cluster.nodes.stream().filter(n -> n.address().equals(victim.endpoint().host()))
                .findFirst().orElseThrow();
        cluster.killNode(dead);
        Instance critical = awaitCritical(victim.id());
        assertTrue("Consul's own node-failure signal: " + critical.output(), critical.output().contains("Agent not live"));

        HealOutcome heal = deployer.healer(svc.name(), NOW, e -> events.add(e.message())).heal(svc.name());
        assertEquals(heal.reason() + " " + events, "healed", heal.outcome());
        assertEquals(HealDecision.Action.REPLACE, heal.action());
        ColorReplicas healed = ColorReplicas.of(deployer, svc.name(), Color.BLUE);
        assertEquals(2, healed.ids.size());
        assertFalse(healed.ids.contains(victim.id()));
        for (Instance i : healed.instances) {
            assertTrue(i + " passes", i.passing());
            assertFalse(i + " is not on the dead node", i.endpoint().host().equals(dead.address()));
        }
        assertEquals("the dead node's registration was removed through the catalog", healed.ids,
                nodeOfEach(cluster.servers.get(0)).keySet());
        assertProxyAvoids(dead.address());
        assertTrue(Stack.get(svc.haproxy().url()).body().contains("v1"));

        cluster = ConsulCluster.up();
        assertEquals("a node that came back is not used until a deploy or heal places replicas there", healed.ids,
                ColorReplicas.of(deployer, svc.name(), Color.BLUE).ids);
        assertProxyAvoids(dead.address());
        HealOutcome again = deployer.healer(svc.name(), NOW, e -> { }).heal(svc.name());
        assertEquals(again.reason(), HealDecision.Action.NONE, again.action());
    }

    @Test
    public void aDeadNodeHoldingTheWholeActiveColorFailsBackToTheStandby() throws Exception {
        deployer = connect(cluster.manager);
        deployer.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", svc.haproxy(), "10m",
                cluster.target("node.labels.zone == a")), e -> { });
        deployer.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v2", svc.haproxy(), "10m",
                cluster.target("node.labels.zone == b")), e -> { });
        ConsulCluster.Node eng12 = cluster.nodes.stream().filter(n -> n.zone().equals("b")).findFirst().orElseThrow();
        ColorReplicas green = ColorReplicas.of(deployer, svc.name(), Color.GREEN);
        assertTrue(green.instances.toString(), green.instances.stream().allMatch(i -> i.endpoint().host().equals(eng12.address())));

        cluster.killNode(eng12);
        for (String id : green.ids) {
            awaitCritical(id);
        }
        HealOutcome heal = deployer.healer(svc.name(), NOW, e -> events.add(e.message())).heal(svc.name());
        assertEquals(heal.reason() + " " + events, HealDecision.Action.FAIL_BACK, heal.action());
        assertEquals(heal.reason(), "healed", heal.outcome());
        assertEquals("blue", deployer.systems().store().readState(svc.name()).value().active());
        assertProxyAvoids(eng12.address());
        assertTrue(Stack.get(svc.haproxy().url()).body().contains("v1"));
    }

    private void assertProxyAvoids(String address) throws Exception {
        String servers = svc.haproxy().admin("show servers state " + svc.haproxy().backend);
        for (String line : servers.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // be_id be_name srv_id srv_name srv_addr srv_op_state (2 = running) srv_admin_state (0 = ready)
            if (f.length > 6 && f[4].equals(address)) {
                assertTrue("HAProxy still routes to the dead node: " + line, !f[6].equals("0"));
            }
        }
    }

    private Instance awaitCritical(String id) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            Optional<Instance> i = deployer.systems().registry().instances(svc.name()).stream()
                    .filter(x -> x.id().equals(id)).findFirst();
            if (i.isPresent() && i.get().health() == Instance.Health.CRITICAL) {
                return i.get();
            }
            Thread.sleep(250);
        }
        fail(id + " did not turn critical within 60 s of its node's death");
        return null;
    }

    @Test
    public void theLeaderKilledInTheGateLeavesACleanEndAndTheNextDeployWorks() throws Exception {
        deployer = connect(cluster.manager);
        deployer.deploy(spec("v1"), e -> { });
        CompletableFuture<Void> killed = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        DeployResult result = null;
        String failure = null;
        try {
            result = deployer.deploy(spec("v2"), e -> {
                seen.add(e.type() + " " + e.phase() + " " + e.message());
                if ("phase-start".equals(e.type()) && Phase.GATE.name().equalsIgnoreCase(e.phase()) && !killed.isDone()) {
                    cluster.killLeader();
                    killed.complete(null);
                }
            });
        } catch (DeployFailedException e) {
            failure = e.getMessage();
        }
        assertTrue("the leader was killed in the gate: " + seen, killed.isDone());
        System.out.println("leader killed in the gate: " + (failure == null ? "the deploy completed" : failure));
        ServiceState state = deployer.systems().store().readState(svc.name()).value();
        if (failure == null) {
            assertEquals("green", result.color());
            assertEquals("green", state.active());
            assertTrue(Stack.get(svc.haproxy().url()).body().contains("v2"));
        } else {
            assertTrue(failure, failure.contains("rolled back") || failure.contains("leader"));
            assertEquals(failure, "blue", state.active());
            assertTrue(Stack.get(svc.haproxy().url()).body().contains("v1"));
        }
        cluster = ConsulCluster.up();
        // (the example's v3 is the broken one)
        DeployResult next = deployer.deploy(spec(failure == null ? "v1" : "v2"), e -> { });
        assertEquals(state.active().equals("blue") ? "green" : "blue", next.color());
        assertTrue(Stack.get(svc.haproxy().url()).body().contains(failure == null ? "v1" : "v2"));
    }

    /** A color's replicas as the state names them, with their registrations. */
    private record ColorReplicas(Set<String> ids, List<Instance> instances) {
        static ColorReplicas of(BlueGreen bg, String service, Color color) {
            Set<String> ids = Set.copyOf(bg.systems().store().readState(service).value().color(color).orElseThrow().replicaIds());
            List<Instance> instances = bg.systems().registry().instances(service).stream().filter(i -> ids.contains(i.id()))
                    .sorted((a, b) -> a.id().compareTo(b.id())).toList();
            return new ColorReplicas(Set.copyOf(ids), instances);
        }
    }
}
