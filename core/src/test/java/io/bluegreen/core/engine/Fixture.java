package io.bluegreen.core.engine;

import static org.junit.Assert.assertFalse;

import io.bluegreen.core.engine.fake.World;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A service "vote" in a {@link World} of fakes, and the operations a person or a heal runs on it. */
final class Fixture {
    static final String SERVICE = "vote";
    static final Duration LOCK_WAIT = Duration.ofSeconds(1);
    final World world;
    /** Every event of every operation, for the message of a failed assertion. */
    final List<DeployEvent> events = new CopyOnWriteArrayList<>();
    private final String gateDeadline;

    /**
     * {@code gateDeadline} is the spec's {@code health.deadline}: short only where a test waits it out (a gate that
     * never passes), long elsewhere so a failure noticed at once is told from one noticed at the deadline.
     */
    Fixture(boolean startsPartOfADeploy, String gateDeadline) {
        this.world = new World(SERVICE, startsPartOfADeploy);
        this.gateDeadline = gateDeadline;
    }

    DeploymentSpec spec(String tag) {
        return spec(tag, gateDeadline);
    }

    /** Two replicas, one pass of the gate (so it completes on its first read), a short verify window (it is waited out). */
    static DeploymentSpec spec(String tag, String gateDeadline) {
        return spec(tag, gateDeadline, Map.of());
    }

    /** The same with {@code extra} top-level fields (e.g. {@code analysis}). */
    static DeploymentSpec spec(String tag, String gateDeadline, Map<String, Object> extra) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("service", SERVICE);
        tree.put("image", "registry.local:5000/vote");
        tree.put("tag", tag);
        tree.put("replicas", 2);
        tree.put("containerPort", 8080);
        tree.put("env", Map.of("GREETING", "hello"));
        tree.put("health", Map.of("path", "/health", "interval", "1s", "passes", 1, "deadline", gateDeadline));
        tree.put("verify", Map.of("window", "100ms"));
        tree.put("standby", Map.of("keep", "10m"));
        tree.put("router", Map.of("type", "none", "drain", "0"));
        tree.putAll(extra);
        return SpecReader.fromTree(tree, Path.of("."), Map.of());
    }

    DeployResult deploy(String tag) {
        return new Deployer(world.systems(), events::add).deploy(spec(tag));
    }

    DeployResult rollback(Cancellation cancel) {
        return new StandbyRollback(world.systems(), events::add).rollback(SERVICE, OperationKind.ROLLBACK, LOCK_WAIT, cancel);
    }

    List<String> replace(Color color, List<String> failed, Cancellation cancel) {
        return new ReplicaReplacement(world.systems(), events::add).replace(SERVICE, color, failed, LOCK_WAIT, cancel);
    }

    DeployResult redeploy(Cancellation cancel) {
        return new Redeployment(world.systems(), events::add).redeploy(SERVICE, LOCK_WAIT, cancel);
    }

    Optional<String> repair() {
        return new ServiceRepair(world.systems()).repair(SERVICE, events::add);
    }

    ServiceState state() {
        return world.store.readState(SERVICE).value();
    }

    ColorState color(Color c) {
        return state().color(c).orElseThrow(() -> new AssertionError("the state has no " + c.label() + " color"));
    }

    HistoryRecord lastRecord() {
        return world.store.history(SERVICE, 1).get(0);
    }

    /** What every finished run leaves, whatever its outcome: the lock free. */
    void assertLockFree() {
        assertFalse("the lock is still held", world.lock.holder(SERVICE).isPresent());
    }

    String log() {
        StringBuilder b = new StringBuilder();
        events.forEach(e -> b.append("\n  ").append(e.type()).append(' ').append(e.phase()).append(": ").append(e.message()));
        return b.toString();
    }
}
