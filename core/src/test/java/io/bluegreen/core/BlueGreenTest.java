package io.bluegreen.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.docker.DockerEngine;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.StatusReport;
import io.bluegreen.core.engine.fake.FakeCluster;
import io.bluegreen.core.engine.fake.Faults;
import io.bluegreen.core.engine.fake.World;
import io.bluegreen.core.heal.HealOutcome;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.WatchReceiver;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import io.bluegreen.core.spec.TargetSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.Test;

/**
 * Each operation of the front door chooses its systems itself: a deploy those of its spec's {@code target:}, every
 * other operation those of the target the service's state records. On fakes: the local engine is the {@link World}'s
 * cluster, the engines a target names are a second fake cluster, and Consul and the proxy are shared, as for real.
 */
public class BlueGreenTest {
    private static final String SERVICE = "vote";
    private final World world = new World(SERVICE, true);
    private final FakeCluster engines = new FakeCluster(world.faults, true);
    private final List<TargetSpec> opened = new CopyOnWriteArrayList<>();
    private final List<DeployEvent> events = new CopyOnWriteArrayList<>();
    private final BlueGreen bg = blueGreen();

    private BlueGreen blueGreen() {
        Connections none = Connections.fromEnvironment(Map.of());
        return new BlueGreen(none, new DockerEngine(none), world.systems(), t -> {
            opened.add(t);
            return engines;
        });
    }

    /** Two replicas of {@code tag}, on the two engines of an {@code engines} target, or on the local engine. */
    private static DeploymentSpec spec(String tag, boolean onEngines) {
        Map<String, Object> tree = new LinkedHashMap<>(Map.of("service", SERVICE, "image", "registry.local:5000/vote",
                "tag", tag, "replicas", 2, "containerPort", 8080, "verify", Map.of("window", "100ms"),
                // one pass, so the fake gate completes on its first read; no proxy to flip
                "health", Map.of("passes", 1), "router", Map.of("type", "none", "drain", "0")));
        if (onEngines) {
            tree.put("target", Map.of("type", "engines", "engines", List.of(
                    Map.of("name", "eng1", "host", "unix:///run/eng1.sock", "address", "192.0.2.11"),
                    Map.of("name", "eng2", "host", "unix:///run/eng2.sock", "address", "192.0.2.12"))));
        }
        return SpecReader.fromTree(tree, Path.of("."), Map.of());
    }

    /** Lets heals act at once (no grace period), at most 3 per 10 minutes. */
    private static final HealSettings NOW = new HealSettings(Duration.ZERO, 3, Duration.ofMinutes(10), Duration.ofSeconds(1),
            Optional.empty());

    private static int running(StatusReport report) {
        return report.colors().stream().mapToInt(StatusReport.ColorStatus::running).sum();
    }

    @Test
    public void aDeployRunsOnTheEnginesItsSpecNamesAndTheStateRecordsThem() {
        DeploymentSpec v1 = spec("v1", true);
        bg.deploy(v1, events::add);

        assertEquals(2, engines.list(SERVICE).size());
        assertEquals(List.of(), world.cluster.list(SERVICE));
        assertEquals(List.of(v1.target()), opened);
        assertEquals(v1.target(), world.store.readState(SERVICE).value().target());
    }

    @Test
    public void statusRollbackAndHealActOnTheEnginesTheStateRecords() {
        bg.deploy(spec("v1", true), events::add);
        bg.deploy(spec("v2", true), events::add);

        assertEquals("both colors run on the engines", 4, running(bg.status(SERVICE)));
        assertEquals("blue", bg.rollback(SERVICE, events::add).color());
        assertEquals("v1", bg.status(SERVICE).colors().stream().filter(c -> c.role().equals("active")).findFirst()
                .orElseThrow().version());

        Replica dead = engines.list(SERVICE).stream().filter(r -> r.color().label().equals("blue")).findFirst().orElseThrow();
        engines.markExited(dead.id());
        world.registry.setHealth(dead.id(), Instance.Health.CRITICAL);
        HealOutcome healed = bg.healer(SERVICE, NOW, events::add).heal(SERVICE);

        assertEquals(healed.reason(), HealOutcome.Result.HEALED, healed.result());
        assertEquals("the replacement runs on the engines too", 4, running(bg.status(SERVICE)));
        assertEquals(List.of(), world.cluster.list(SERVICE));
        assertEquals("one connection to the target, reused", 1, opened.size());
    }

    @Test
    public void aRepairUndoesOnTheEnginesWhatADeployThatDiedThereLeft() {
        bg.deploy(spec("v1", true), events::add);
        world.dieDuring("gate");
        assertThrows(Faults.Killed.class, () -> bg.deploy(spec("v2", true), events::add));
        assertEquals(4, engines.list(SERVICE).size());

        Optional<String> repaired = bg.repair(SERVICE, events::add);

        assertTrue(repaired.orElse(""), repaired.orElse("").contains("interrupted in phase gate"));
        assertEquals("v1's two replicas are left", 2, engines.list(SERVICE).size());
        assertEquals(Optional.empty(), bg.repair(SERVICE, events::add));
    }

    @Test
    public void withoutATargetEverythingStaysOnTheLocalEngine() {
        bg.deploy(spec("v1", false), events::add);

        assertEquals(2, world.cluster.list(SERVICE).size());
        assertEquals(2, running(bg.status(SERVICE)));
        assertEquals(List.of(), opened);
        assertEquals(1, bg.history(SERVICE, 10).size());
    }

    /**
     * A heal worker outlives deploys: one started before the service's first deploy (the heal server's, the Jenkins
     * plugin's) heals on the engines that deploy recorded, by its own loop, with no POST.
     */
    @Test
    public void aHealWorkerStartedBeforeTheFirstDeployHealsOnTheEnginesThatDeployRecorded() throws Exception {
        WatchReceiver receiver = bg.watchReceiver(Map.of(SERVICE, NOW), events::add, line -> { });
        try {
            bg.deploy(spec("v1", true), events::add);
            Replica dead = engines.list(SERVICE).get(0);
            engines.markExited(dead.id());
            world.registry.setHealth(dead.id(), Instance.Health.CRITICAL);

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (engines.list(SERVICE).stream().filter(Replica::running).count() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("the heal's last steps: " + events.subList(Math.max(0, events.size() - 4), events.size()), 2,
                    engines.list(SERVICE).stream().filter(Replica::running).count());
            assertEquals(List.of(), world.cluster.list(SERVICE));
        } finally {
            receiver.close(Duration.ofSeconds(5));
        }
    }
}
