package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.spec.DeploymentSpec;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Blue-green flips through a real HAProxy's runtime API (no reload), against the real Docker, registry and Consul. */
public class HaproxyIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("hap");
    private final Systems sys = Stack.shared().systems();
    private String service;
    private HaproxyProxy haproxy;
    private final List<DeployEvent> events = new CopyOnWriteArrayList<>();

    @Before
    public void names() throws Exception {
        service = svc.name();
        haproxy = svc.haproxy();
    }

    private DeploymentSpec spec(String tag, String keep) throws Exception {
        return Specs.spec(tmp.getRoot().toPath(), service, tag, haproxy, keep, null);
    }

    private DeployResult deploy(String tag) throws Exception {
        return deploy(spec(tag, "10m"), events::add);
    }

    private DeployResult deploy(DeploymentSpec spec, DeployListener listener) {
        return new Deployer(sys, listener).deploy(spec);
    }

    private String page() {
        Stack.Response r = Stack.get(haproxy.url());
        assertEquals(r.body(), 200, r.status());
        return r.body();
    }

    /** The ready servers HAProxy reports live, as addresses. */
    private Set<String> readyServers() throws Exception {
        return haproxy.admin("show servers state " + haproxy.backend).lines().skip(2).map(l -> l.split(" "))
                .filter(f -> f[6].equals("0")).map(f -> f[4] + ":" + f[18]).collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<String> endpoints(String color) {
        return sys.cluster().list(service).stream().filter(r -> r.color().label().equals(color))
                .map(r -> r.endpoint().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    public void flipsToTheNewColorAndBackWithoutFailingARequest() throws Exception {
        deploy("v1");
        assertTrue(page().contains("v1"));
        DeployResult second;
        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            second = deploy("v2");
            Thread.sleep(200);
            load.close();
            assertEquals("requests through HAProxy during the deploy: " + load.summary(), 0,
                    load.serverErrors() + load.connectionErrors());
            assertTrue(load.summary(), load.ok() > 20);
        }
        assertEquals("green", second.color());
        assertTrue(page().contains("v2"));
        assertEquals("HAProxy's live state", endpoints("green"), readyServers());
        String file = Files.readString(haproxy.backendFile);
        endpoints("green").forEach(e -> assertTrue(file, file.contains("server " + e + " " + e)));
        endpoints("blue").forEach(e -> assertFalse(file, file.contains(e)));

        assertNotNull("the deploy measured its flip", second.flip());
        assertEquals(second.flip().summary(), Integer.valueOf(0), second.flip().failed());
        assertTrue(second.flip().summary(), second.flip().requests() > 0);
        HistoryRecord h = sys.store().history(service, 1).get(0);
        assertEquals(second.flip(), h.flip());

        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            DeployResult back = new StandbyRollback(sys, events::add).rollback(service);
            assertEquals("blue", back.color());
            assertTrue(page().contains("v1"));
            assertEquals(endpoints("blue"), readyServers());
            DeployResult forth = new StandbyRollback(sys, events::add).rollback(service);
            assertEquals("green", forth.color());
            assertTrue(page().contains("v2"));
            load.close();
            assertEquals("requests through HAProxy during both rollbacks: " + load.summary(), 0,
                    load.serverErrors() + load.connectionErrors());
        }
    }

    /** router.haproxy.serverMaxconn reaches every server the tool adds, at run time and in the backend file. */
    @Test
    public void serversAreAddedWithTheSpecsMaxconn() throws Exception {
        String yaml = Files.readString(Specs.write(tmp.getRoot().toPath(), service, "v1", haproxy, "10m", null))
                .replace("backendFile: " + haproxy.backendFile + " }", "backendFile: " + haproxy.backendFile + ", serverMaxconn: 7 }");
        java.nio.file.Path f = tmp.getRoot().toPath().resolve("maxconn.yml");
        Files.writeString(f, yaml);
        deploy(io.bluegreen.core.spec.SpecReader.read(f, java.util.Map.of()), events::add);
        List<String> slim = haproxy.admin("show stat -1 4 -1").lines().filter(l -> l.startsWith(haproxy.backend + ","))
                .filter(l -> !l.contains(",BACKEND,")).map(l -> l.split(",", -1)[6]).toList();
        assertEquals(List.of("7", "7"), slim);
        String file = Files.readString(haproxy.backendFile);
        endpoints("blue").forEach(e -> assertTrue(file, file.contains("server " + e + " " + e + " maxconn 7")));
    }

    @Test
    public void aRestartedHaproxyServesTheActiveColor() throws Exception {
        deploy("v1");
        deploy("v2");
        haproxy.restart();
        assertTrue("after a restart, still v2", page().contains("v2"));
        assertEquals(endpoints("green"), readyServers());
        new StandbyRollback(sys, events::add).rollback(service);
        assertTrue("the standby's servers were added back", page().contains("v1"));
        haproxy.restart();
        assertTrue("after a second restart, still the rolled-back v1", page().contains("v1"));
        assertEquals(endpoints("blue"), readyServers());
    }

    @Test
    public void anUnexpectedRuntimeAnswerAbortsTheFlipAndRollsBack() throws Exception {
        deploy("v1");
        // A static balance algorithm makes HAProxy refuse runtime servers ("Backend must use a dynamic load
        // balancing..."): the backend exists, so the preflight passes, and the flip's `add server` fails.
        haproxy.close();
        Files.writeString(haproxy.backendFile, Files.readString(haproxy.backendFile).replace("balance roundrobin", "balance static-rr"));
        haproxy.restart();
        assertTrue(page().contains("v1"));
        String file = Files.readString(haproxy.backendFile);
        String state = Stack.kv("bluegreen/" + service + "/state");
        Set<String> blue = readyServers();
        try {
            deploy("v2");
            fail("HAProxy refuses the new servers");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("flip failed") && e.getMessage().contains("unexpectedly")
                    && e.getMessage().contains("dynamic load balancing") && e.getMessage().contains("traffic stays on blue"));
        }
        assertTrue(page().contains("v1"));
        assertEquals(blue, readyServers());
        assertEquals(file, Files.readString(haproxy.backendFile));
        assertEquals(state, Stack.kv("bluegreen/" + service + "/state"));
        assertTrue("the green replicas are gone", endpoints("green").isEmpty());
        assertEquals("rolled-back", sys.store().history(service, 1).get(0).outcome());
    }

    /** Until HAProxy counts a session on some server of the backend (at most 5 s). */
    private void awaitInFlight() {
        long end = System.nanoTime() + 5_000_000_000L;
        try {
            while (System.nanoTime() < end) {
                boolean busy = haproxy.admin("show stat -1 4 -1").lines().skip(1).filter(l -> l.startsWith(haproxy.backend + ","))
                        .map(l -> l.split(",")).anyMatch(f -> f.length > 4 && !f[4].isEmpty() && !f[4].equals("0"));
                if (busy) {
                    return;
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("the slow request never reached HAProxy's backend");
    }

    /** What a deploy did with one slow request sent to the old color just before its flip. */
    private record SlowRequest(CompletableFuture<java.net.http.HttpResponse<String>> answer, long[] doneAt,
                               List<Long> retireStartedAt, List<Long> retiredAt, List<String> retire) {
    }

    /** Deploys {@code spec}; once its gate passed, sends /cgi-bin/slow?SECONDS and waits until HAProxy has it in flight. */
    private SlowRequest deployWithSlowRequest(DeploymentSpec spec, int seconds) {
        SlowRequest s = new SlowRequest(new CompletableFuture<>(), new long[1], new CopyOnWriteArrayList<>(),
                new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        deploy(spec, e -> {
            events.add(e);
            if ("phase-end".equals(e.type()) && "gate".equals(e.phase())) {
                // Sent before the flip, and seen in flight to blue by HAProxy before the deploy goes on.
                http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(haproxy.url() + "cgi-bin/slow?" + seconds))
                        .timeout(java.time.Duration.ofSeconds(25)).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, t) -> {
                            s.doneAt()[0] = System.nanoTime();
                            if (t != null) {
                                s.answer().completeExceptionally(t);
                            } else {
                                s.answer().complete(r);
                            }
                        });
                awaitInFlight();
            }
            if ("phase-start".equals(e.type()) && "retire".equals(e.phase())) {
                s.retireStartedAt().add(System.nanoTime());
            }
            if ("retire".equals(e.phase()) && e.message() != null) {
                s.retire().add(e.message());
            }
            if ("progress".equals(e.type()) && "retire".equals(e.phase()) && e.message().startsWith("retired")) {
                s.retiredAt().add(System.nanoTime());
            }
        });
        return s;
    }

    @Test
    public void retiringAColorWaitsForItsInFlightRequests() throws Exception {
        deploy("v1");
        SlowRequest slow = deployWithSlowRequest(spec("v2", "0"), 5);
        java.net.http.HttpResponse<String> r = slow.answer().get(30, TimeUnit.SECONDS);
        assertEquals(r.body(), 200, r.statusCode());
        assertTrue(r.body(), r.body().contains("\"color\":\"blue\""));
        assertEquals("blue was retired", Set.of(), endpoints("blue"));
        assertTrue("the slow request finished before blue stopped", slow.doneAt()[0] < slow.retiredAt().get(0));
        assertTrue(slow.retire().toString(), slow.retire().stream().anyMatch(m -> m.startsWith("draining 1 request(s) in flight")));
        assertTrue(slow.retire().toString(), slow.retire().stream().anyMatch(m -> m.startsWith("drained in")));
        List<Replica> left = sys.cluster().list(service);
        assertTrue(left.toString(), left.stream().allMatch(x -> x.color().label().equals("green")));
    }

    @Test
    public void aRequestStillInFlightIsCutAtTheProxyOnlyOnceTheDrainBoundHasPassed() throws Exception {
        deploy("v1");
        java.nio.file.Path file = Specs.write(tmp.getRoot().toPath(), service, "v2", haproxy, "0", null);
        Files.writeString(file, Files.readString(file).replace("drain: 20s", "drain: 2s"));
        SlowRequest slow = deployWithSlowRequest(io.bluegreen.core.spec.SpecReader.read(file, java.util.Map.of()), 6);
        String cutMessage = "1 request(s) still in flight after the drain timeout of 2s; cut at the proxy";
        long cutAt = events.stream().filter(e -> "retire".equals(e.phase()) && e.message() != null
                && e.message().startsWith(cutMessage)).map(e -> java.time.Instant.parse(e.at()).toEpochMilli()).findFirst()
                .orElseThrow(() -> new AssertionError(slow.retire().toString()));
        long retireAt = events.stream().filter(e -> "phase-start".equals(e.type()) && "retire".equals(e.phase()))
                .map(e -> java.time.Instant.parse(e.at()).toEpochMilli()).findFirst().orElseThrow();
        assertTrue("cut " + (cutAt - retireAt) + " ms into retire, not before the 2 s bound", cutAt - retireAt >= 2000);
        // HAProxy's retry-on (scripts/haproxy-proxy.sh) replays the cut GET on the new color: the client gets a 200 from
        // green, as the README says, not an error; blue never answers it.
        java.net.http.HttpResponse<String> r = slow.answer().get(30, TimeUnit.SECONDS);
        assertEquals(r.body(), 200, r.statusCode());
        assertTrue(r.body(), r.body().contains("\"color\":\"green\""));
        assertEquals("blue was retired", Set.of(), endpoints("blue"));
    }
}
