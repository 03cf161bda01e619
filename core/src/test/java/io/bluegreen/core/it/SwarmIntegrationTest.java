package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmSpec;
import io.bluegreen.core.docker.DockerEngine;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.FailureKind;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.port.ClusterException;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaReplacement;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.ServiceRepair;
import io.bluegreen.core.engine.StatusReader;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.heal.HealDecision;
import io.bluegreen.core.heal.HealOutcome;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.Healer;
import io.bluegreen.core.spec.BuildSpec;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.InvalidSpecException;
import io.bluegreen.core.spec.SpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Blue-green as Swarm mode services: a real single-node swarm on an extra engine (its own network namespace and
 * address, started by scripts/engines.sh), ports published in host mode, traffic through a real nginx.
 */
public class SwarmIntegrationTest {
    private static final String IMAGE = Stack.REGISTRY + "/vote:swarm-it";
    private static ExtraEngines.Engine engine;
    private static DockerEngine manager;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("swarm");

    @BeforeClass
    public static void swarm() {
        engine = ExtraEngines.up(1).get(0);
        manager = new DockerEngine(Stack.connections(), engine.host(), null);
        manager.client().initializeSwarmCmd(new SwarmSpec())
                .withListenAddr(engine.address() + ":2377").withAdvertiseAddr(engine.address()).exec();
        Stack.shared().systems().images().build(new BuildSpec(Stack.ROOT.resolve("examples/vote"), "Dockerfile",
                Map.of("VERSION", "v1")), IMAGE, m -> { });
    }

    @AfterClass
    public static void leave() throws Exception {
        try {
            manager.client().leaveSwarmCmd().withForceEnabled(true).exec();
            manager.close();
        } finally {
            ExtraEngines.down();
        }
    }

    @After
    public void removeServices() throws Exception {
        Systems sys = Stack.shared().systemsFor(spec("v1").target());
        sys.cluster().remove(sys.cluster().list(svc.name()));
    }

    /** The example app's spec on the swarm, with a 20 s health gate. */
    private DeploymentSpec spec(String tag) throws Exception {
        return spec(tag, "");
    }

    /** The same, {@code extra} YAML appended. */
    private DeploymentSpec spec(String tag, String extra) throws Exception {
        String target = "target:\n  type: swarm\n  swarm: { host: \"" + engine.host() + "\" }\n" + extra;
        Path f = Specs.write(tmp.getRoot().toPath(), svc.name(), tag, svc.nginx(), "10m", target);
        Files.writeString(f, Files.readString(f).replace("deadline: 12s", "deadline: 20s"));
        return SpecReader.read(f, Map.of());
    }

    /** Everything a failed deploy must leave exactly as it found it. */
    private record World(String state, Set<String> services, Set<String> replicas, Set<String> registrations,
                         String upstream) {
    }

    private World world(Systems sys) throws Exception {
        Set<String> services = manager.client().listServicesCmd().exec().stream()
                .map(s -> s.getSpec().getName()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> replicas = sys.cluster().list(svc.name()).stream()
                .map(r -> r.id() + "@" + r.endpoint() + (r.running() ? ":running" : ":stopped"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> registrations = sys.registry().instances(svc.name()).stream()
                .map(i -> i.id() + "@" + i.endpoint() + ":" + i.health()).collect(Collectors.toCollection(TreeSet::new));
        return new World(Stack.kv("bluegreen/" + svc.name() + "/state"), services, replicas, registrations,
                Files.readString(svc.nginx().upstreamFile));
    }

    @Test
    public void swarmServicesFlipRollBackAFailedVersionAndRollBackToTheStandby() throws Exception {
        DeploymentSpec v1 = spec("v1");
        Systems sys = Stack.shared().systemsFor(v1.target());
        assertEquals("blue", new Deployer(sys, e -> { }).deploy(v1).color());
        DeployResult second = new Deployer(sys, e -> { }).deploy(spec("v2"));
        assertEquals("green", second.color());
        assertTrue(Stack.get(svc.nginx().url()).body().contains("v2"));

        List<Service> services = manager.client().listServicesCmd()
                .withLabelFilter(Map.of("bluegreen.service", svc.name())).exec();
        assertEquals(2, services.size());
        for (Service s : services) {
            Map<String, String> l = s.getSpec().getLabels();
            assertEquals(svc.name() + "-" + l.get("bluegreen.color") + "-" + l.get("bluegreen.deploy-id"), s.getSpec().getName());
            assertEquals(2L, s.getSpec().getMode().getReplicated().getReplicas());
        }
        List<Replica> replicas = Stack.shared().systemsForService(svc.name()).cluster().list(svc.name());
        assertEquals(4, replicas.size());
        for (Replica r : replicas) {
            assertEquals(r.toString(), engine.address(), r.endpoint().host());
            assertTrue(r.toString(), r.running());
            Stack.Response health = Stack.get("http://" + r.endpoint() + "/health");
            assertEquals(r.endpoint() + " answers", 200, health.status());
            assertTrue("the task's slot is its replica number: " + health.body(),
                    health.body().contains("\"replica\":\"" + r.index() + "\""));
        }
        assertEquals(4, replicas.stream().map(Replica::endpoint).distinct().count());
        try (var registrator = Stack.shared().registrator(List.of(engine.host()), Set.of(svc.name()), m -> { })) {
            assertEquals("a registrator following the node's engine leaves the tasks' registrations alone",
                    List.of(), registrator.resync().removed());
        }
        assertEquals(4, sys.registry().instances(svc.name()).size());

        World before = world(sys);
        try {
            new Deployer(sys, e -> { }).deploy(spec("v3"));
            fail("v3 must not pass its health gate");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("gate failed") && e.getMessage().contains("traffic stays on green"));
        }
        assertEquals(before, world(sys));
        assertTrue(Stack.get(svc.nginx().url()).body().contains("v2"));

        DeployResult back = new StandbyRollback(Stack.shared().systemsForService(svc.name()), e -> { }).rollback(svc.name());
        assertEquals("blue", back.color());
        assertEquals("v1", back.version());
        assertTrue(Stack.get(svc.nginx().url()).body().contains("v1"));
        assertEquals("no task started or stopped", before.replicas(), world(sys).replicas());
    }

    @Test
    public void aDeadTaskIsHealedByRenewingItsColorAsANewService() throws Exception {
        Systems sys = Stack.shared().systemsFor(spec("v1").target());
        new Deployer(sys, e -> { }).deploy(spec("v1"));
        ColorState before = sys.store().readState(svc.name()).value().color(Color.BLUE).orElseThrow();
        killTask(sys, sys.cluster().list(svc.name()).get(0));

        HealSettings now = new HealSettings(Duration.ZERO, 3, Duration.ofMinutes(10), Duration.ofSeconds(30), Optional.empty());
        HealOutcome out = new Healer(Stack.shared().systemsForService(svc.name()), now, e -> { }).heal(svc.name());
        assertEquals(out.reason(), "healed", out.outcome());
        assertEquals(HealDecision.Action.REPLACE, out.action());

        ServiceState after = sys.store().readState(svc.name()).value();
        ColorState renewed = after.color(Color.BLUE).orElseThrow();
        assertEquals("blue", after.active());
        assertEquals("v1", renewed.version());
        assertTrue(renewed.deployId() + " after " + before.deployId(), !renewed.deployId().equals(before.deployId()));
        assertEquals("only the renewed service is left", List.of(svc.name() + "-blue-" + renewed.deployId()),
                manager.client().listServicesCmd().withLabelFilter(Map.of("bluegreen.service", svc.name())).exec().stream()
                        .map(s -> s.getSpec().getName()).toList());
        Set<String> registered = sys.registry().instances(svc.name()).stream()
                .filter(Instance::passing).map(Instance::id).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(renewed.replicaIds()), registered);
        assertEquals(2, sys.registry().instances(svc.name()).size());
        String upstream = Files.readString(svc.nginx().upstreamFile);
        for (String e : renewed.endpoints()) {
            assertTrue(upstream, upstream.contains(e));
        }
        for (String e : before.endpoints()) {
            // (a renewed task may get the dead task's freed host port)
            assertTrue(upstream, renewed.endpoints().contains(e) || !upstream.contains("server " + e + " "));
        }
        assertTrue(Stack.get(svc.nginx().url()).body().contains("v1"));
        assertEquals("the renewal's journal is closed", null, Stack.kv("bluegreen/" + svc.name() + "/journal"));
    }

    /**
     * Kills the task's container on the node's engine, as a crash would (Swarm does not restart it), until both Consul
     * and the swarm's task list see it dead (each on its own schedule).
     */
    private void killTask(Systems sys, Replica victim) throws InterruptedException {
        String container = manager.client().listContainersCmd()
                .withLabelFilter(Map.of("com.docker.swarm.task.id", victim.runtimeId())).exec().get(0).getId();
        manager.client().killContainerCmd(container).exec();
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((sys.registry().instances(svc.name()).stream().noneMatch(i -> i.id().equals(victim.id())
                && i.health() == Instance.Health.CRITICAL) || sys.cluster().list(svc.name()).stream()
                .anyMatch(r -> r.id().equals(victim.id()) && r.running())) && System.nanoTime() < end) {
            Thread.sleep(200);
        }
    }

    /**
     * Deploys v1, kills one task, then starts a renewal of blue that dies, as after kill -9, when {@code phase} starts.
     * Returns the world just before the renewal.
     */
    private World renewalDyingAt(Systems sys, String phase) throws Exception {
        new Deployer(sys, e -> { }).deploy(spec("v1"));
        Replica victim = sys.cluster().list(svc.name()).get(0);
        killTask(sys, victim);
        World before = world(sys);
        try {
            // An Error: no clean-up code runs.
            new ReplicaReplacement(sys, e -> {
                if ("phase-start".equals(e.type()) && phase.equals(e.phase())) {
                    throw new Died();
                }
            }).replace(svc.name(), Color.BLUE, List.of(victim.id()), Duration.ofSeconds(10));
            fail("the renewal was to die at " + phase);
        } catch (Died expected) {
            // as planned
        }
        String journal = Stack.kv("bluegreen/" + svc.name() + "/journal");
        assertTrue(journal, journal != null && journal.contains("\"kind\":\"renew\"")
                && journal.contains("\"phase\":\"" + phase + "\""));
        assertEquals("the renewal's service runs beside the old one", 2, services().size());
        return before;
    }

    private List<String> services() {
        return manager.client().listServicesCmd().withLabelFilter(Map.of("bluegreen.service", svc.name())).exec().stream()
                .map(s -> s.getSpec().getName()).sorted().toList();
    }

    @Test
    public void aRenewalThatDiesBeforeItsCommitIsUndoneByTheRepair() throws Exception {
        Systems sys = Stack.shared().systemsFor(spec("v1").target());
        World before = renewalDyingAt(sys, "gate");
        assertTrue(new ServiceRepair(sys).repair(svc.name(), e -> { }).isPresent());
        assertEquals(before, world(sys));
        assertEquals(null, Stack.kv("bluegreen/" + svc.name() + "/journal"));
    }

    @Test
    public void aRenewalThatDiesWhileRetiringIsFinishedByTheRepair() throws Exception {
        Systems sys = Stack.shared().systemsFor(spec("v1").target());
        renewalDyingAt(sys, "retire");
        ColorState renewed = sys.store().readState(svc.name()).value().color(Color.BLUE).orElseThrow();
        Optional<String> repaired = new ServiceRepair(sys).repair(svc.name(), e -> { });
        assertTrue(repaired.toString(), repaired.orElse("").contains("after it had committed; finished it (retired what the state no longer names)"));
        assertEquals(List.of(svc.name() + "-blue-" + renewed.deployId()), services());
        assertEquals(new TreeSet<>(renewed.replicaIds()), sys.registry().instances(svc.name()).stream()
                .map(Instance::id).collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(null, Stack.kv("bluegreen/" + svc.name() + "/journal"));
    }

    private static final class Died extends Error {
    }

    /**
     * {@code networks:} on Swarm: a network the swarm lacks is created as an attachable overlay and the tasks join it;
     * a network of that name that is local to the manager's engine is refused at preflight (exit 2), no service made.
     */
    @Test
    public void tasksJoinTheirNetworksAMissingOverlayIsCreatedALocalOneRefused() throws Exception {
        String local = svc.name() + "-local";
        String overlay = svc.name() + "-overlay";
        manager.client().createNetworkCmd().withName(local).withDriver("bridge").exec();
        Systems sys = Stack.shared().systemsFor(spec("v1").target());
        try {
            try {
                new Deployer(sys, e -> { }).deploy(spec("v1", "networks: [" + local + "]\n"));
                fail("a local network cannot carry Swarm tasks");
            } catch (InvalidSpecException e) {
                assertEquals(2, FailureKind.of(e).exitCode());
                assertTrue(e.getMessage(), e.getMessage().contains("networks: '" + local + "' on the Swarm manager")
                        && e.getMessage().contains("is a local bridge network: Swarm services join only swarm-scoped"));
            }
            assertEquals(List.of(), services());

            new Deployer(sys, e -> { }).deploy(spec("v1", "networks: [" + overlay + "]\n"));
            Network made = manager.client().inspectNetworkCmd().withNetworkId(overlay).exec();
            assertEquals("overlay swarm true", made.getDriver() + " " + made.getScope() + " " + made.isAttachable());
            Service blue = manager.client().listServicesCmd().withLabelFilter(Map.of("bluegreen.service", svc.name()))
                    .exec().get(0);
            assertEquals(List.of(made.getId()), blue.getSpec().getTaskTemplate().getNetworks().stream()
                    .map(NetworkAttachmentConfig::getTarget).toList());
        } finally {
            removeServices();
            removeNetworks(local, overlay);
        }
    }

    /** A removed service's tasks leave an overlay network a moment later: bounded retries. */
    private static void removeNetworks(String... names) throws InterruptedException {
        for (String name : names) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    manager.client().removeNetworkCmd(name).exec();
                    break;
                } catch (NotFoundException gone) {
                    break;
                } catch (RuntimeException inUse) {
                    if (System.nanoTime() > end) {
                        throw inUse;
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    @Test
    public void aColorTheSwarmCannotHoldIsRefusedBeforeAnyServiceIsCreated() throws Exception {
        String tooBig = "target:\n  type: swarm\n  memory: 20g\n  swarm: { host: \"" + engine.host() + "\" }\n";
        assertRefused(tooBig, "capacity check: 2 replica(s) (20480 MiB reserved each) do not fit");
        String onePortOneNode = "target:\n  type: swarm\n  hostPort: 18199\n  swarm: { host: \"" + engine.host() + "\" }\n";
        assertRefused(onePortOneNode, "host port 18199 free, one replica per engine");
    }

    private void assertRefused(String target, String expected) throws Exception {
        DeploymentSpec v1 = Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", null, "0s", target);
        Systems sys = Stack.shared().systemsFor(v1.target());
        ReplicaPlan plan = ReplicaPlan.whole(svc.name(), Color.BLUE, "v1", "d1", IMAGE, 2, 8080, "127.0.0.1", Map.of(), List.of());
        List<String> events = new java.util.ArrayList<>();
        try {
            sys.cluster().start(plan, events::add);
            fail("the swarm cannot hold this color");
        } catch (ClusterException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(expected) && e.getMessage().endsWith("; no service was created"));
        }
        assertEquals("nothing was even copied to the manager", List.of(), events);
        assertEquals(List.of(), manager.client().listServicesCmd().withLabelFilter(Map.of("bluegreen.service", svc.name())).exec());
    }
}
