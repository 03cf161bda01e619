package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.port.LockUnavailableException;
import io.bluegreen.core.engine.Redeployment;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaReplacement;
import io.bluegreen.core.engine.RefusedException;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.ServiceRepair;
import io.bluegreen.core.engine.StatusReader;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.spec.DeploymentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Blue-green deploys against the real Docker engine, registry, Consul agent and nginx. */
public class DeployIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("it");
    private final Systems sys = Stack.shared().systems();
    private String service;
    private NginxProxy nginx;
    private final List<DeployEvent> events = new CopyOnWriteArrayList<>();

    @Before
    public void names() throws Exception {
        service = svc.name();
        nginx = svc.nginx();
    }

    private DeploymentSpec spec(String tag) throws Exception {
        return Specs.spec(tmp.getRoot().toPath(), service, tag, nginx, "10m", null);
    }

    private DeployResult deploy(String tag) throws Exception {
        return deploy(spec(tag), events::add);
    }

    private DeployResult deploy(DeploymentSpec spec, DeployListener listener) {
        return new Deployer(sys, listener).deploy(spec);
    }

    private Stack.Response viaProxy() {
        return Stack.get(nginx.url());
    }

    /** Everything a failed deploy must leave exactly as it found it. */
    private record World(String state, Set<String> containers, Set<String> registrations, String upstream) {
    }

    private World world() throws Exception {
        Set<String> containers = sys.cluster().list(service).stream()
                .map(r -> r.id() + (r.running() ? ":running" : ":stopped")).collect(Collectors.toCollection(TreeSet::new));
        Set<String> registrations = sys.registry().instances(service).stream()
                .map(i -> i.id() + ":" + i.health()).collect(Collectors.toCollection(TreeSet::new));
        return new World(Stack.kv("bluegreen/" + service + "/state"), containers, registrations,
                Files.exists(nginx.upstreamFile) ? Files.readString(nginx.upstreamFile) : null);
    }

    @Test
    public void firstDeployGoesBlueThenSecondFlipsToGreenAndKeepsBlueWarm() throws Exception {
        DeployResult first = deploy("v1");
        assertEquals("blue", first.color());
        assertNull(first.previousColor());
        assertTrue(first.digest(), first.digest().startsWith("sha256:"));
        Stack.Response page = viaProxy();
        assertEquals(200, page.status());
        assertTrue(page.body(), page.body().contains("v1") && page.body().contains("blue"));

        DeployResult second;
        try (LoadProbe load = LoadProbe.start(nginx.url())) {
            second = deploy("v2");
            Thread.sleep(300);
            load.close();
            assertEquals("requests through nginx during the deploy: " + load.summary(), 0, load.serverErrors());
            assertEquals("requests through nginx during the deploy: " + load.summary(), 0, load.connectionErrors());
            assertTrue(load.summary(), load.ok() > 20);
        }
        assertEquals("green", second.color());
        assertEquals("blue", second.previousColor());
        page = viaProxy();
        assertTrue(page.body(), page.body().contains("v2") && page.body().contains("green"));

        List<Replica> blue = sys.cluster().list(service).stream().filter(r -> r.color().label().equals("blue")).toList();
        assertEquals("blue stays warm", 2, blue.stream().filter(Replica::running).count());
        List<Instance> bluePassing = sys.registry().instances(service).stream()
                .filter(i -> i.color().label().equals("blue") && i.passing()).toList();
        assertEquals(2, bluePassing.size());
        String state = Stack.kv("bluegreen/" + service + "/state");
        assertTrue(state, state.contains("\"active\":\"green\"") && state.contains("standbyUntil"));

        List<HistoryRecord> history = sys.store().history(service, 10);
        assertEquals(2, history.size());
        assertEquals(second.deployId(), history.get(0).id());
        assertEquals("succeeded", history.get(0).outcome());

        for (String phase : List.of("preflight", "lock", "build", "push", "resolve", "deploy", "gate", "flip",
                "verify", "retire")) {
            assertTrue("phase " + phase + " started", events.stream().anyMatch(e -> e.type().equals("phase-start") && phase.equals(e.phase())));
            assertTrue("phase " + phase + " ended with a duration", events.stream().anyMatch(e ->
                    e.type().equals("phase-end") && phase.equals(e.phase()) && e.durationMs() != null));
        }
        assertTrue("each replica is registered as soon as it runs, within the deploy phase", events.stream()
                .noneMatch(e -> "register".equals(e.phase())) && sys.registry().instances(service).stream()
                .filter(i -> second.deployId().equals(i.deployId())).count() == 2);
        assertTrue("the gate reports how many pass", events.stream().anyMatch(e ->
                "gate".equals(e.phase()) && e.message().matches("2/2 replicas passing")));
    }

    @Test
    public void aVersionThatFailsItsHealthGateIsRolledBackLeavingEverythingAsItWas() throws Exception {
        deploy("v1");
        deploy("v2");
        World before = world();
        try (LoadProbe load = LoadProbe.start(nginx.url())) {
            DeploymentSpec broken = Specs.spec(tmp.getRoot().toPath(), service, "v3", nginx, "10m", null);
            try {
                deploy(broken, events::add);
                fail("v3 must not pass its health gate");
            } catch (DeployFailedException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("gate failed") && e.getMessage().contains("traffic stays on green"));
            }
            load.close();
            assertEquals(load.summary(), 0, load.serverErrors() + load.connectionErrors());
        }
        assertEquals(before, world());
        assertTrue(viaProxy().body().contains("v2"));
        assertFalse("the journal is gone", Stack.kv("bluegreen/" + service + "/journal") != null);
        HistoryRecord last = sys.store().history(service, 1).get(0);
        assertEquals("rolled-back", last.outcome());
        assertEquals("v3", last.version());
        assertTrue(last.reason(), last.reason().contains("health gate"));
    }

    /** A replica whose container exits during the gate can never pass: the gate says so at once, not at its deadline. */
    @Test
    public void aGateWhoseReplicaExitsFailsAtOnceNotAtTheDeadline() throws Exception {
        deploy("v1");
        World before = world();
        AtomicReference<String> killed = new AtomicReference<>();
        AtomicLong killedAt = new AtomicLong();
        DeployListener killer = e -> {
            if ("gate".equals(e.phase()) && "phase-start".equals(e.type()) && killed.get() == null) {
                Replica fresh = sys.cluster().list(service).stream().filter(r -> r.color() == Color.GREEN).findFirst().orElseThrow();
                killed.set(fresh.id());
                killedAt.set(System.nanoTime());
                Stack.docker("kill", fresh.runtimeId());
            }
        };
        try {
            deploy(spec("v2"), killer);
            fail("a replica that exited cannot pass the gate");
        } catch (DeployFailedException e) {
            long ms = (System.nanoTime() - killedAt.get()) / 1_000_000;
            assertTrue(e.getMessage(), e.getMessage().contains(killed.get() + " exited") && e.getMessage().contains("cannot pass"));
            assertTrue("failed " + ms + " ms after the kill; the gate's deadline is 12 s", ms < 4000);
        }
        assertEquals(before, world());
        assertTrue(viaProxy().body().contains("v1"));
    }

    /** `rollback --to`: a version from the history, through the gated deploy path, with its recorded image. */
    @Test
    public void rollbackToAnOlderVersionRedeploysItFromTheHistory() throws Exception {
        deploy("v1");
        deploy("v2");
        try {
            new Redeployment(sys, events::add).rollbackTo(service, "v9", Duration.ofSeconds(10));
            fail("v9 was never released");
        } catch (RefusedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no successful release of " + service + " v9")
                    && e.getMessage().contains("released: v2, v1"));
        }
        DeployResult back = new Redeployment(sys, events::add).rollbackTo(service, "v1", Duration.ofSeconds(10));
        assertEquals("blue", back.color());
        assertEquals("v1", back.version());
        assertTrue(viaProxy().body().contains("v1"));
        HistoryRecord last = sys.store().history(service, 1).get(0);
        assertEquals("rollback-to", last.kind());
        assertEquals("succeeded", last.outcome());
        assertNotNull("the recipe is recorded for the next rollback --to", last.recipe());
        assertNotNull("the recipe keeps the spec's verify.url", last.recipe().verify().url());
        assertNotNull("measured through verify.url, as the first release was", last.flip());
        assertNotNull("measured through verify.url, as the first release was", last.flip().requests());
        Set<String> versions = sys.cluster().list(service).stream().map(r -> r.color() + ":" + r.version())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals("v1 again in blue, v2 the warm standby", Set.of("BLUE:v1", "GREEN:v2"), versions);
    }

    @Test
    public void rollbackFlipsBackToTheWarmStandbyWithoutStartingAnything() throws Exception {
        deploy("v1");
        deploy("v2");
        Set<String> containers = world().containers();
        DeployResult back = new StandbyRollback(sys, events::add).rollback(service);
        assertEquals("blue", back.color());
        assertEquals("v1", back.version());
        assertTrue(viaProxy().body().contains("v1"));
        assertEquals("no container started or stopped", containers, world().containers());
        assertTrue(Stack.kv("bluegreen/" + service + "/state").contains("\"active\":\"blue\""));
        DeployResult forth = new StandbyRollback(sys, events::add).rollback(service);
        assertEquals("green", forth.color());
        assertTrue(viaProxy().body().contains("v2"));
        assertEquals("rollback", sys.store().history(service, 1).get(0).kind());
    }

    @Test
    public void rollbackIsRefusedWhenTheStandbyWasRetired() throws Exception {
        deploy("v1");
        deploy(Specs.spec(tmp.getRoot().toPath(), service, "v2", nginx, "0", null), events::add);
        assertEquals("blue retired at once", 0, sys.cluster().list(service).stream()
                .filter(r -> r.color().label().equals("blue")).count());
        World before = world();
        try {
            new StandbyRollback(sys, events::add).rollback(service);
            fail("nothing to roll back to");
        } catch (RefusedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no warm standby"));
        }
        assertEquals(before, world());
    }

    @Test
    public void twoDeploysAtOnceRunOneAfterTheOther() throws Exception {
        deploy("v1");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread a = new Thread(() -> {
            try {
                deploy(spec("v2"), e -> { });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        a.start();
        DeployResult b = deploy(spec("v1"), e -> { });
        a.join(120_000);
        assertNull(String.valueOf(failure.get()), failure.get());
        List<HistoryRecord> history = sys.store().history(service, 10);
        assertEquals(3, history.size());
        assertTrue(history.stream().allMatch(h -> h.outcome().equals("succeeded")));
        String active = Stack.kv("bluegreen/" + service + "/state");
        String last = history.stream().max(java.util.Comparator.comparing(HistoryRecord::endedAt)).orElseThrow().color();
        assertTrue(active, active.contains("\"active\":\"" + last + "\""));
        assertTrue("the proxy serves what the state says", viaProxy().body().contains(last));
        assertNotNull(b);
    }

    @Test
    public void aSecondDeployThatMayNotWaitFailsClearlyAndChangesNothing() throws Exception {
        deploy("v1");
        CountDownLatch locked = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread a = new Thread(() -> {
            try {
                deploy(spec("v2"), e -> {
                    if ("phase-end".equals(e.type()) && "lock".equals(e.phase())) {
                        locked.countDown();
                    }
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        a.start();
        assertTrue(locked.await(60, TimeUnit.SECONDS));
        try {
            deploy(Specs.spec(tmp.getRoot().toPath(), service, "v1", nginx, "10m", "lock: { wait: 0s }\n"), e -> { });
            fail("the lock is held");
        } catch (LockUnavailableException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("holds its lock") && e.getMessage().contains("nothing was changed"));
        }
        a.join(120_000);
        assertNull(String.valueOf(failure.get()), failure.get());
        assertTrue(viaProxy().body().contains("v2"));
        assertEquals(2, sys.store().history(service, 10).size());
    }

    @Test
    public void aDeployerKilledBetweenFlipAndStateWriteIsRepaired() throws Exception {
        deploy("v1");
        World before = world();
        CountDownLatch frozen = new CountDownLatch(1);
        AtomicReference<String> deployId = new AtomicReference<>();
        AtomicReference<Throwable> early = new AtomicReference<>();
        Thread dying = new Thread(() -> deploy(uncheckedSpec("v2"), e -> {
            if ("progress".equals(e.type()) && "flip".equals(e.phase()) && e.message().startsWith("traffic now on")) {
                deployId.set(e.deployId());
                killSessionOfLock();
                frozen.countDown();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException dead) {
                    throw new Simulated();
                }
            }
        }));
        dying.setUncaughtExceptionHandler((t, e) -> {
            if (!(e instanceof Simulated)) {
                early.set(e);
                frozen.countDown();
            }
        });
        dying.start();
        try {
            assertTrue("the deploy reached its flip", frozen.await(120, TimeUnit.SECONDS));
            assertNull("the deploy failed before its flip: " + early.get(), early.get());
            assertTrue("traffic had moved to v2", viaProxy().body().contains("v2"));
            assertTrue("the state was not written", Stack.kv("bluegreen/" + service + "/state").contains("\"active\":\"blue\""));
            String journal = Stack.kv("bluegreen/" + service + "/journal");
            assertTrue(journal, journal.contains("\"phase\":\"flip\""));

            Optional<String> repaired = new ServiceRepair(sys).repair(service, events::add);
            assertTrue(repaired.isPresent());
            assertTrue(repaired.get(), repaired.get().contains(deployId.get()));
            assertTrue(viaProxy().body().contains("v1"));
            assertEquals(before, world());
            assertNull(Stack.kv("bluegreen/" + service + "/journal"));
            assertEquals("repair", sys.store().history(service, 1).get(0).kind());
            assertTrue("nothing left to repair", new ServiceRepair(sys).repair(service, events::add).isEmpty());
        } finally {
            dying.interrupt();
            dying.join(10_000);
        }
    }

    @Test
    public void aReplacementThatLosesItsStateWritePutsTheProxyBackAndRemovesItsReplicas() throws Exception {
        deploy("v1");
        Replica victim = sys.cluster().list(service).get(0);
        Stack.docker("kill", victim.runtimeId());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sys.registry().instances(service).stream().noneMatch(i -> i.id().equals(victim.id())
                && i.health() == Instance.Health.CRITICAL) && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        World before = world();
        String state = Stack.kv("bluegreen/" + service + "/state");
        AtomicBoolean touched = new AtomicBoolean();
        // The state written again while the replacement is gated (one byte more: Consul keeps the index of an
        // unchanged value), so its CAS write must lose after the proxy already took the replacement.
        DeployListener rival = e -> {
            if ("gate".equals(e.phase()) && touched.compareAndSet(false, true)) {
                Stack.put(Stack.consul() + "/v1/kv/bluegreen/" + service + "/state", state + " ");
            }
        };
        try {
            new ReplicaReplacement(sys, rival).replace(service, Color.BLUE, List.of(victim.id()), Duration.ofSeconds(10));
            fail("the state changed under the replacement");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("state changed during the replace")
                    && e.getMessage().contains("undone, traffic stays on blue"));
        }
        assertTrue(touched.get());
        assertEquals("containers, registrations and proxy as before; the state as the rival wrote it",
                new World(state + " ", before.containers(), before.registrations(), before.upstream()), world());
        assertEquals(200, viaProxy().status());
    }

    /** What Consul does when a deployer dies: its session goes, and with it the lock. */
    private void killSessionOfLock() {
        String info = Stack.get(Stack.consul() + "/v1/kv/bluegreen/" + service + "/lock").body();
        String session = info.replaceAll("(?s).*\"Session\":\\s*\"([^\"]+)\".*", "$1");
        Stack.put(Stack.consul() + "/v1/session/destroy/" + session);
    }

    private DeploymentSpec uncheckedSpec(String tag) {
        try {
            return spec(tag);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Thrown in the frozen deployer when the test ends: an Error, so no rollback code runs, as after kill -9. */
    private static final class Simulated extends Error {
    }
}
