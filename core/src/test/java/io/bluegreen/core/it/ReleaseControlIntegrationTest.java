package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.OperationKind;
import io.bluegreen.core.engine.PreviewState;
import io.bluegreen.core.engine.Promotion;
import io.bluegreen.core.engine.RefusedException;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.WatchReceiver;
import io.bluegreen.core.spec.DeploymentSpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Release control on the real stack: the preview route, promote and abort, hooks, canary steps through HAProxy's
 * server weights, and a preview's deadlines (timeout, bake time).
 */
public class ReleaseControlIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("rel");
    private final BlueGreen bg = Stack.shared();
    private final Systems sys = bg.systems();
    private final List<DeployEvent> events = new CopyOnWriteArrayList<>();

    private DeploymentSpec spec(Proxy proxy, String tag, String extra) throws Exception {
        return Specs.spec(tmp.getRoot().toPath(), svc.name(), tag, proxy, "10m", extra);
    }

    private DeployResult deploy(Proxy proxy, String tag, String extra) throws Exception {
        return bg.deploy(spec(proxy, tag, extra), events::add);
    }

    private static String body(String url) {
        Stack.Response r = Stack.get(url);
        return r.status() + " " + r.body();
    }

    private ServiceState state() {
        return sys.store().readState(svc.name()).value();
    }

    private long replicas(String color) {
        return sys.cluster().list(svc.name()).stream().filter(r -> r.color().label().equals(color)).count();
    }

    /** Which registrations of the service Consul tags {@code preview}, by color. */
    private Map<String, Long> previewTagged() throws Exception {
        JsonNode entries = new ObjectMapper().readTree(Stack.get(Stack.consul() + "/v1/health/service/" + svc.name()).body());
        Map<String, Long> out = new java.util.TreeMap<>(Map.of("blue", 0L, "green", 0L));
        for (JsonNode e : entries) {
            List<String> tags = new java.util.ArrayList<>();
            e.path("Service").path("Tags").forEach(t -> tags.add(t.asText()));
            if (tags.contains("preview")) {
                out.merge(tags.get(0), 1L, Long::sum);
            }
        }
        return out;
    }

    private List<String> history() {
        return sys.store().history(svc.name(), 20).stream().map(h -> h.kind() + ":" + h.outcome()).toList();
    }

    @Test
    public void thePreviewServesTheNewVersionBesideProductionUntilPromoted() throws Exception {
        HaproxyProxy haproxy = svc.haproxy(true);
        deploy(haproxy, "v1", null);
        Path post = tmp.getRoot().toPath().resolve("post.env");
        DeployResult r = deploy(haproxy, "v2", """
                env: { API_TOKEN: s3cr3t-value }
                preview: { url: "%s" }
                promotion: { mode: manual }
                hooks:
                  prePromotion: [ { http: "%s", expect: 200, times: 3 } ]
                  postPromotion: [ { run: [sh, -c, "env > %s"] } ]
                """.formatted(haproxy.previewUrl(), haproxy.previewUrl() + "health", post));
        assertTrue(r.inPreview());
        assertEquals(haproxy.previewUrl(), r.previewUrl());
        assertTrue(body(haproxy.url()), body(haproxy.url()).startsWith("200") && body(haproxy.url()).contains("v1"));
        assertTrue(body(haproxy.previewUrl()), body(haproxy.previewUrl()).startsWith("200") && body(haproxy.previewUrl()).contains("v2"));
        PreviewState p = state().preview();
        assertNotNull(p);
        assertEquals("green", p.color());
        assertEquals("blue", state().active());
        assertEquals(Map.of("blue", 0L, "green", 2L), previewTagged());
        assertTrue(events.stream().anyMatch(e -> e.message() != null && e.message().contains("pre-promotion hook GET")));
        assertFalse("the post-promotion hook waits for the promotion", Files.exists(post));
        try {
            bg.rollback(svc.name(), events::add);
            fail("a rollback must not send users to an unpromoted preview");
        } catch (RefusedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is in preview"));
        }

        DeployResult promoted;
        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            promoted = bg.promote(svc.name(), events::add);
            load.close();
            assertEquals("requests through HAProxy during the promotion: " + load.summary(), 0,
                    load.serverErrors() + load.connectionErrors());
        }
        assertEquals("green", promoted.color());
        assertTrue(body(haproxy.url()).contains("v2"));
        assertTrue("once promoted, the preview route serves nothing: " + body(haproxy.previewUrl()),
                body(haproxy.previewUrl()).startsWith("503"));
        assertNull(state().preview());
        assertEquals("green", state().active());
        assertEquals(Map.of("blue", 0L, "green", 0L), previewTagged());
        String env = Files.readString(post);
        assertTrue(env, env.contains("BLUEGREEN_COLOR=green") && env.contains("BLUEGREEN_VERSION=v2")
                && env.contains("BLUEGREEN_OPERATION=promote"));
        assertFalse("no secret reaches a hook: " + env, env.contains("s3cr3t-value") || env.contains("API_TOKEN"));
        assertEquals(List.of("promote:succeeded", "deploy:in-preview", "deploy:succeeded"), history());
        try {
            bg.promote(svc.name(), events::add);
            fail("nothing is in preview any more");
        } catch (RefusedException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("nothing is in preview"));
        }
        // Back to v1 is the warm standby: the promotion kept it, as a deploy's flip does.
        assertEquals("blue", bg.rollback(svc.name(), events::add).color());
    }

    @Test
    public void aHooksHeaderFromTheEnvironmentReachesTheServerAndNeverTheSavedState() throws Exception {
        String secret = System.getenv("BLUEGREEN_TEST_HOOK_TOKEN");
        assertNotNull("core/pom.xml sets BLUEGREEN_TEST_HOOK_TOKEN for the tests", secret);
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/notify", exchange -> {
            received.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Hook-Token")));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            deploy(svc.haproxy(), "v1", """
                    hooks:
                      prePromotion:
                        - { http: "http://127.0.0.1:%d/notify", expect: 204, headers: { X-Hook-Token: "{env:BLUEGREEN_TEST_HOOK_TOKEN}" } }
                    """.formatted(receiver.getAddress().getPort()));
        } finally {
            receiver.stop(0);
        }
        assertEquals(List.of(secret), received);
        JsonNode kv = new ObjectMapper().readTree(Stack.get(Stack.consul() + "/v1/kv/bluegreen/" + svc.name() + "/state").body());
        String stored = new String(Base64.getDecoder().decode(kv.get(0).path("Value").asText()), StandardCharsets.UTF_8);
        assertTrue(stored, stored.contains("\"headers\":{\"X-Hook-Token\":\"{env:BLUEGREEN_TEST_HOOK_TOKEN}\"}"));
        assertFalse("the secret is not saved: " + stored, stored.contains(secret));
        assertFalse("nor shown", events.stream().anyMatch(e -> e.message() != null && e.message().contains(secret)));
    }

    @Test
    public void abortDropsThePreviewAndAnExpiredOneIsAbortedByTheNextCommand() throws Exception {
        HaproxyProxy haproxy = svc.haproxy(true);
        deploy(haproxy, "v1", null);
        Path told = tmp.getRoot().toPath().resolve("told.env");
        deploy(haproxy, "v2", """
                promotion: { mode: manual }
                hooks:
                  postPromotion: [ { run: [sh, -c, "echo post check failed; exit 4"] } ]
                  onFailure: [ { run: [sh, -c, "env > %s"] } ]
                """.formatted(told));
        try {
            bg.promote(svc.name(), events::add);
            fail("the failing post-promotion hook must roll the promotion back");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("post-promotion hook failed") && e.getMessage().contains("traffic stays on blue"));
        }
        assertTrue("traffic is back on blue", body(haproxy.url()).contains("v1"));
        assertEquals("green still waits in preview", "green", state().preview().color());
        assertTrue("and the preview route serves it again: " + body(haproxy.previewUrl()), body(haproxy.previewUrl()).contains("v2"));
        assertTrue(Files.readString(told), Files.readString(told).contains("BLUEGREEN_OUTCOME=rolled-back"));
        assertEquals("promote:rolled-back", history().get(0));
        assertEquals(2, replicas("green"));
        DeployResult aborted = bg.abort(svc.name(), events::add);
        assertEquals("green", aborted.color());
        assertEquals(0, replicas("green"));
        assertNull(state().preview());
        assertFalse(state().colors().containsKey("green"));
        assertTrue(body(haproxy.url()).contains("v1"));
        assertTrue("the preview route serves nothing: " + body(haproxy.previewUrl()), body(haproxy.previewUrl()).startsWith("503"));
        String abortTold = Files.readString(told);
        assertTrue("an abort tells those told of failures: " + abortTold, abortTold.contains("BLUEGREEN_OUTCOME=aborted")
                && abortTold.contains("BLUEGREEN_OPERATION=abort"));
        try {
            bg.abort(svc.name(), events::add);
            fail("nothing is in preview any more");
        } catch (RefusedException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("nothing is in preview"));
        }

        deploy(haproxy, "v2", "promotion: { mode: manual, timeout: 2s }\n");
        assertNotNull(state().preview());
        Thread.sleep(2500);
        DeployResult next = deploy(haproxy, "v2", null); // aborts the expired preview first
        assertEquals("green", next.color());
        assertTrue(body(haproxy.url()).contains("v2"));
        HistoryRecord abort = sys.store().history(svc.name(), 5).stream().filter(h -> h.kind().equals("abort"))
                .findFirst().orElseThrow();
        assertTrue(abort.reason(), abort.reason().contains("past its promotion.timeout"));
        assertEquals("v2", abort.version());
    }

    @Test
    public void theHealServersWorkerAbortsAPreviewLeftPastItsTimeout() throws Exception {
        HaproxyProxy haproxy = svc.haproxy(true);
        List<String> log = new CopyOnWriteArrayList<>();
        WatchReceiver receiver = bg.watchReceiver(Map.of(svc.name(), HealSettings.defaults()), events::add, log::add);
        try {
            deploy(haproxy, "v1", null);
            deploy(haproxy, "v2", "promotion: { mode: manual, timeout: 3s }\n");
            assertNotNull(state().preview());
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (log.stream().noneMatch(l -> l.contains("aborted green (v2)")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue("aborted by the worker: " + log, log.stream().anyMatch(l -> l.contains("aborted green (v2)")));
            assertNull(state().preview());
        } finally {
            receiver.close(java.time.Duration.ofSeconds(10));
        }
        assertEquals(0, replicas("green"));
        assertTrue(body(haproxy.url()).contains("v1"));
        assertTrue(body(haproxy.previewUrl()), body(haproxy.previewUrl()).startsWith("503"));
    }

    @Test
    public void aFailingPrePromotionHookStopsTheReleaseBeforeAnyUserSeesIt() throws Exception {
        HaproxyProxy haproxy = svc.haproxy(true);
        deploy(haproxy, "v1", null);
        Path notified = tmp.getRoot().toPath().resolve("failure.env");
        try {
            deploy(haproxy, "v2", """
                    env: { API_TOKEN: s3cr3t-value }
                    hooks:
                      prePromotion: [ { run: [sh, -c, "echo smoke test failed on $BLUEGREEN_PREVIEW_URL; exit 3"] } ]
                      onFailure: [ { run: [sh, -c, "env > %s"] } ]
                    preview: { url: "%s" }
                    """.formatted(notified, haproxy.previewUrl()));
            fail("the failing hook must stop the release");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("pre-promotion hook failed") && e.getMessage().contains("exit 3"));
        }
        assertTrue(body(haproxy.url()).contains("v1"));
        assertEquals(0, replicas("green"));
        // v1 went through the preview route on its way to production: the undo puts that back.
        assertTrue("the preview route is put back: " + body(haproxy.previewUrl()), body(haproxy.previewUrl()).contains("v1"));
        assertTrue("the hook's output is shown", events.stream().anyMatch(e -> e.message() != null
                && e.message().contains("smoke test failed on " + haproxy.previewUrl())));
        String env = Files.readString(notified);
        assertTrue(env, env.contains("BLUEGREEN_OUTCOME=rolled-back") && env.contains("BLUEGREEN_REASON=preview failed"));
        assertFalse(env, env.contains("s3cr3t-value"));
        assertEquals("deploy:rolled-back", history().get(0));
    }

    @Test
    public void canaryStepsShiftTrafficByWeightAndAFailingStepPutsItBack() throws Exception {
        HaproxyProxy haproxy = svc.haproxy();
        deploy(haproxy, "v1", null);
        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            bg.deploy(spec(haproxy, "v2", """
                    promotion: { steps: [ { weight: 10, pause: 1s }, { weight: 50, pause: 1s } ] }
                    hooks: { postPromotion: [ { run: [sh, -c, "echo canary check; exit 1"] } ] }
                    """), events::add);
            fail("the failing post-promotion hook at 10% must roll the release back");
        } catch (DeployFailedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("post-promotion (at 10%) hook failed"));
        }
        assertFalse("never reached 50%", events.stream().anyMatch(e -> e.message() != null && e.message().contains("canary step: 50%")));
        assertTrue(body(haproxy.url()).contains("v1"));
        assertEquals(0, replicas("green"));
        for (String line : haproxy.admin("show servers state " + haproxy.backend).lines().skip(2).toList()) {
            String[] f = line.split(" ");
            if (f[6].equals("0")) { // ready: the blue servers, back at their initial weight
                assertEquals(line, f[8], f[7]);
            }
        }

        // A passing canary: the share is set through the server weights while the step lasts.
        Map<String, Integer> weights = new java.util.concurrent.ConcurrentHashMap<>();
        try (LoadProbe load = LoadProbe.start(haproxy.url())) {
            bg.deploy(spec(haproxy, "v2", """
                    promotion: { steps: [ { weight: 10, pause: 1s }, { weight: 50, pause: 1s } ] }
                    hooks: { postPromotion: [ { run: [sh, -c, "echo canary check passed"] } ] }
                    """), e -> {
                events.add(e);
                if (e.message() != null && e.message().contains("post-promotion (at 10%) hook") && weights.isEmpty()) {
                    try {
                        haproxy.admin("show servers state " + haproxy.backend).lines().skip(2).map(l -> l.split(" "))
                                .filter(f -> f[6].equals("0")).forEach(f -> weights.put(f[3], Integer.parseInt(f[7])));
                    } catch (java.io.IOException x) {
                        throw new IllegalStateException(x);
                    }
                }
            });
            load.close();
            assertEquals("requests through HAProxy during the canary release: " + load.summary(), 0,
                    load.serverErrors() + load.connectionErrors());
        }
        assertTrue(body(haproxy.url()).contains("v2"));
        List<String> green = sys.cluster().list(svc.name()).stream().filter(r -> r.color().label().equals("green"))
                .map(r -> r.endpoint().toString()).toList();
        assertEquals(2, green.size());
        // 2 + 2 servers at 10 %: each green server weighs 10 × 2, each blue one 90 × 2.
        assertEquals(weights.toString(), 4, weights.size());
        weights.forEach((server, w) -> assertEquals(server + " in " + weights, green.contains(server) ? 20 : 180, (int) w));
    }

    @Test
    public void aPreviewIsPromotedByItselfAfterItsBakeTime() throws Exception {
        HaproxyProxy haproxy = svc.haproxy(true);
        deploy(haproxy, "v1", null);
        DeployResult r = deploy(haproxy, "v2", "promotion: { after: 2s }\n");
        assertTrue(r.inPreview());
        assertEquals(Optional.empty(), bg.settleDue(svc.name(), events::add));
        Thread.sleep(2500);
        Optional<Promotion.Settled> settled = bg.settleDue(svc.name(), events::add);
        assertEquals(OperationKind.PROMOTE, settled.orElseThrow().kind());
        assertEquals("green", state().active());
        assertTrue(body(haproxy.url()).contains("v2"));
        assertTrue(sys.store().history(svc.name(), 1).get(0).reason().contains("bake time"));
    }

    @Test
    public void nginxServesThePreviewOnItsOwnUpstream() throws Exception {
        NginxProxy nginx = svc.nginx(true);
        deploy(nginx, "v1", null);
        deploy(nginx, "v2", "promotion: { mode: manual }\n");
        assertTrue(body(nginx.url()).contains("v1"));
        assertTrue(body(nginx.previewUrl()), body(nginx.previewUrl()).contains("v2"));
        bg.abort(svc.name(), events::add);
        assertTrue(body(nginx.previewUrl()), body(nginx.previewUrl()).startsWith("502"));
        assertTrue(body(nginx.url()).contains("v1"));
        assertEquals(events.stream().filter(e -> e.message() != null).map(DeployEvent::message)
                .collect(Collectors.joining("\n")), 0, replicas("green"));
    }
}
