package io.bluegreen.core.engine.fake;

import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.fake.Faults.Step;
import io.bluegreen.core.engine.port.Prober;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** One service's world of fakes, wired as the engine's {@link Systems}, and what a test compares of it. */
public final class World {
    public final String service;
    public final Faults faults = new Faults();
    public final FakeCluster cluster;
    public final FakeRegistry registry = new FakeRegistry(faults);
    public final FakeStore store = new FakeStore(faults);
    public final FakeLock lock = new FakeLock();
    public final FakeImages images = new FakeImages(faults);
    public final FakeRouter router = new FakeRouter(faults);
    private final FakeHooks hooks = new FakeHooks();
    public final FakeMetrics metrics = new FakeMetrics();
    private final Systems systems;

    /** Everything a transition may change, as values: two equal snapshots are the same world. */
    public record Snapshot(Map<String, Boolean> containers, Map<String, Instance.Health> registrations,
                           List<String> routed, ServiceState state, boolean journal) {
    }

    public World(String service, boolean startsPartOfADeploy) {
        this.service = service;
        this.cluster = new FakeCluster(faults, startsPartOfADeploy);
        // Both router lookups answer the one proxy, whatever spec or recorded state asks for it.
        this.systems = new Systems(cluster, images, registry, store, lock, spec -> router, state -> router,
                hooks, new Redactor(List.of()), new TickingClock(), uri -> metrics, World::noProxyAddress,
                new io.bluegreen.core.engine.Actor("tester@fake-world"));
    }

    /** The fakes' proxy has no public address: a plan that probes one is a test's mistake. */
    private static Prober.Probe noProxyAddress(URI url, Duration max, Duration pause) {
        throw new UnsupportedOperationException("the fake router has no address to probe: " + url);
    }

    public FakeHooks hooks() {
        return hooks;
    }

    public Systems systems() {
        return systems;
    }

    public Snapshot snapshot() {
        Map<String, Boolean> containers = new TreeMap<>();
        cluster.list(service).forEach(r -> containers.put(r.id(), r.running()));
        Map<String, Instance.Health> registrations = new TreeMap<>();
        registry.instances(service).forEach(i -> registrations.put(i.id(), i.health()));
        return new Snapshot(containers, registrations, router.routed(), store.readState(service).value(),
                store.hasJournal(service));
    }

    /** A replica crashed: its container exited and Consul's check says critical. */
    public void failReplica(String id) {
        cluster.markExited(id);
        registry.setHealth(id, Instance.Health.CRITICAL);
    }

    /**
     * Runs {@code action} the first time the engine waits on Consul in {@code phase} of the running operation (as its
     * journal says): "gate" while the gate waits, "verify" in the verify window.
     */
    public void whileWaitingIn(String phase, Runnable action) {
        faults.onFirst(Step.AWAIT, () -> journalAt(phase), action);
    }

    /** Whether the running operation's journal says it is in {@code phase}. */
    public boolean journalAt(String phase) {
        return store.readJournal(service).map(j -> phase.equals(j.phase())).orElse(false);
    }

    /** The replicas the running operation started (found by its journal's opId) crash while it waits in {@code phase}. */
    public void crashDuring(String phase) {
        whileWaitingIn(phase, () -> {
            String opId = store.readJournal(service).orElseThrow().opId();
            cluster.list(service).stream().filter(r -> opId.equals(r.opId())).map(Replica::id).forEach(this::failReplica);
        });
    }

    /** The runner's process dies while it waits in {@code phase}. */
    public void dieDuring(String phase) {
        whileWaitingIn(phase, () -> {
            throw new Faults.Killed(Step.AWAIT);
        });
    }

    /**
     * Advances a second per reading: every operation ID ({@code DeployIds}: the second plus 4 random hex digits) is
     * then unique and in order, where a fixed or real clock could repeat one within a fast test.
     */
    private static final class TickingClock extends Clock {
        private final AtomicLong seconds = new AtomicLong(Instant.parse("2030-01-01T00:00:00Z").getEpochSecond());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.getAndIncrement());
        }
    }
}
