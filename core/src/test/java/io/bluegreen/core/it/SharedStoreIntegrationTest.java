package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.FailureKind;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaReplacement;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The example app keeps its votes in a Redis that both colors share: a container on a Docker network that the spec's
 * {@code networks:} joins every replica to, reached by container name. The tally is the same on every replica and
 * survives flips, a rollback, a heal's replacement, a failed release and a retired color; a store that is down fails
 * {@code /health}, so the gate refuses a color that cannot reach it. Requests from here go to 127.0.0.1 only.
 */
public class SharedStoreIntegrationTest {
    /** The shared store scripts/stack.sh up starts, and the image and label it makes them with. */
    private static final String STORE = "vote-store";
    private static final String NETWORK = "bluegreen-vote";
    private static final String STORE_IMAGE = "bluegreen/vote-store";
    private static final String STORE_LABEL = "bluegreen.stack=vote-store";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("store");
    private final Systems sys = Stack.shared().systems();
    private final List<DeployEvent> events = new CopyOnWriteArrayList<>();
    /** A store of this test's own (a container and its network), to stop without disturbing anyone else's votes. */
    private String ownStore;

    @After
    public void removeOwnStore() {
        if (ownStore != null) {
            Stack.cleanUp(sys, svc.name()); // the replicas leave the network first
            Stack.docker("rm", "-f", ownStore);
            Stack.docker("network", "rm", ownStore);
        }
    }

    private DeploymentSpec spec(String tag, String keep, String store, String network) throws Exception {
        return Specs.spec(tmp.getRoot().toPath(), svc.name(), tag, svc.nginx(), keep,
                "env: { VOTE_STORE: \"" + store + ":6379\" }\nnetworks: [" + network + "]\n");
    }

    private void deploy(String tag, String keep) throws Exception {
        new Deployer(sys, events::add).deploy(spec(tag, keep, STORE, NETWORK));
    }

    private void vote(String option) throws Exception {
        Stack.Response r = Stack.post(svc.nginx().url() + "cgi-bin/vote?format=json", "vote=" + option);
        assertEquals(r.body(), 200, r.status());
    }

    private static JsonNode votes(String base) throws IOException {
        Stack.Response r = Stack.get(base + "cgi-bin/vote?format=json");
        assertEquals(base + ": " + r.body(), 200, r.status());
        return JSON.readTree(r.body());
    }

    /** The tally through the proxy, answered by {@code color} and {@code version}; every running replica shows the same. */
    private void assertTally(String tally, String color, String version) throws Exception {
        JsonNode proxied = votes(svc.nginx().url());
        assertEquals(proxied.toString(), color + " " + version + " " + tally,
                proxied.path("color").asText() + " " + proxied.path("version").asText() + " " + tally(proxied));
        List<Replica> running = sys.cluster().list(svc.name()).stream().filter(Replica::running).toList();
        assertTrue(running.toString(), running.size() >= 2);
        for (Replica r : running) {
            assertEquals(r.id(), tally, tally(votes("http://" + r.endpoint() + "/")));
        }
    }

    private static String tally(JsonNode votes) {
        return "a=" + votes.path("a").asInt(-1) + " b=" + votes.path("b").asInt(-1);
    }

    @Test
    public void votesSurviveFlipsARollbackAHealAFailedReleaseAndARetiredColor() throws Exception {
        assertEquals("the shared store runs (scripts/stack.sh up starts it)", "true",
                Stack.docker("inspect", "-f", "{{.State.Running}}", STORE));
        deploy("v1", "10m");
        vote("a");
        vote("a");
        vote("b");
        assertTally("a=2 b=1", "blue", "v1");

        deploy("v2", "10m");
        assertTally("a=2 b=1", "green", "v2");
        vote("b");
        assertTally("a=2 b=2", "green", "v2");

        new StandbyRollback(sys, events::add).rollback(svc.name());
        assertTally("a=2 b=2", "blue", "v1"); // v1 reads what v2 wrote

        Replica victim = sys.cluster().list(svc.name()).stream().filter(r -> r.color() == Color.BLUE).findFirst().orElseThrow();
        Stack.docker("kill", victim.runtimeId());
        awaitCritical(victim.id());
        List<String> fresh = new ReplicaReplacement(sys, events::add).replace(svc.name(), Color.BLUE, List.of(victim.id()),
                Duration.ofSeconds(10));
        assertEquals(1, fresh.size());
        assertTally("a=2 b=2", "blue", "v1"); // the replacement joined the network the recipe recorded

        try {
            deploy("v3", "10m");
            fail("v3 must fail its health gate");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("gate failed"));
        }
        assertTally("a=2 b=2", "blue", "v1");

        deploy("v2", "0");
        assertEquals("blue retired at once", 0, sys.cluster().list(svc.name()).stream()
                .filter(r -> r.color() == Color.BLUE).count());
        assertTally("a=2 b=2", "green", "v2");
    }

    @Test
    public void aStoreThatIsDownFailsHealthAndTheGateRefusesTheNewColor() throws Exception {
        ownStore = svc.name() + "-store";
        Stack.docker("network", "create", "--label", STORE_LABEL, ownStore);
        Stack.docker("run", "-d", "--name", ownStore, "--network", ownStore, "--label", STORE_LABEL, STORE_IMAGE);
        new Deployer(sys, events::add).deploy(spec("v1", "10m", ownStore, ownStore));
        vote("a");
        List<Replica> blue = sys.cluster().list(svc.name());

        Stack.docker("stop", ownStore);
        for (Replica r : blue) {
            String health = "http://" + r.endpoint() + "/health";
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Stack.get(health).status() == 200 && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertTrue(r.id() + "'s /health still passes with the store down", Stack.get(health).status() != 200);
        }
        Stack.Response page = Stack.get(svc.nginx().url() + "cgi-bin/vote");
        assertEquals(503, page.status());
        assertTrue(page.body(), page.body().contains("The vote store " + ownStore + ":6379 does not answer"));
        assertEquals("nothing recorded anywhere", 503, Stack.post(svc.nginx().url() + "cgi-bin/vote", "vote=b").status());

        try {
            new Deployer(sys, events::add).deploy(spec("v2", "10m", ownStore, ownStore));
            fail("green cannot reach the store: its gate must refuse it");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("gate failed") && e.getMessage().contains("traffic stays on blue"));
        }
        assertEquals("only blue is left", blue.stream().map(Replica::id).toList(),
                sys.cluster().list(svc.name()).stream().map(Replica::id).toList());
        HistoryRecord last = sys.store().history(svc.name(), 1).get(0);
        assertEquals("rolled-back", last.outcome());
    }

    @Test
    public void aNetworkThatDoesNotExistIsRefusedAtPreflightWithNothingStarted() throws Exception {
        String missing = svc.name() + "-nowhere";
        try {
            new Deployer(sys, events::add).deploy(spec("v1", "10m", STORE, missing));
            fail("the network does not exist");
        } catch (InvalidSpecException e) {
            assertEquals("exit code", 2, FailureKind.of(e).exitCode());
            assertTrue(e.getMessage(), e.getMessage().contains("networks: '" + missing + "' does not exist on the engine at")
                    && e.getMessage().contains("docker network create " + missing));
        }
        assertTrue(events.stream().anyMatch(e -> "phase-failed".equals(e.type()) && "preflight".equals(e.phase())));
        assertTrue("no phase after preflight ran", events.stream().noneMatch(e -> "lock".equals(e.phase())));
        assertEquals(List.of(), sys.cluster().list(svc.name()));
        assertNull(Stack.kv("bluegreen/" + svc.name() + "/state"));
        assertEquals(List.of(), sys.store().history(svc.name(), 1));
    }

    private void awaitCritical(String replicaId) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sys.registry().instances(svc.name()).stream().noneMatch(i -> i.id().equals(replicaId)
                && i.health() == Instance.Health.CRITICAL) && System.nanoTime() < end) {
            Thread.sleep(200);
        }
    }
}
