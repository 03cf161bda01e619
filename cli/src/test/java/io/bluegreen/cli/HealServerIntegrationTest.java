package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.RequestSignatures;
import io.bluegreen.core.it.NginxProxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Specs;
import io.bluegreen.core.it.Stack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * `bluegreen heal-server` against the real Consul: authentication, limits, the index as a hint, signed rollbacks done
 * once, and that it answers at once.
 */
public class HealServerIntegrationTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String CRITICAL = "[{\"Node\":\"n\",\"CheckID\":\"service:x\",\"Name\":\"HTTP\",\"Status\":\"critical\","
            + "\"ServiceID\":\"x\",\"ServiceName\":\"%s\"}]";
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("hs");
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final String secret = "s3cret-" + UUID.randomUUID();
    private final Map<String, String> env = new HashMap<>(Stack.env());
    private CliRun server;
    /** The time of the last rollback signed (at most a few per test: their times stay well within the 30 s window). */
    private long lastSignedAt = Long.MAX_VALUE;
    private String base;

    @Before
    public void startServer() throws Exception {
        env.put("BLUEGREEN_HEAL_SECRET", secret);
        server = start();
    }

    private CliRun start() throws InterruptedException {
        CliRun r = CliRun.background(env, "listening on", "heal-server", "--listen", "127.0.0.1:0", "-s", svc.name(),
                "--grace", "0s");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(r.out());
        assertTrue(r.out(), m.find());
        base = "http://127.0.0.1:" + m.group(1);
        return r;
    }

    @After
    public void stopServer() throws Exception {
        if (server != null) {
            server.close();
            assertFalse("the secret leaked into the output", server.all().contains(secret));
        }
    }

    private HttpResponse<String> post(String service, String token, String index, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/heal/" + service)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Bluegreen-Token", token);
        }
        if (index != null) {
            b.header("X-Consul-Index", index);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void refusesMissingOrWrongSecretsAlikeAndUnknownServicesOnlyAfterAuthentication() throws Exception {
        String payload = CRITICAL.formatted(svc.name());
        HttpResponse<String> none = post(svc.name(), null, "5", payload);
        HttpResponse<String> wrong = post(svc.name(), secret + "x", "5", payload);
        HttpResponse<String> wrongUnknown = post("no-such-service", "nope", "5", payload);
        assertEquals(401, none.statusCode());
        assertEquals(401, wrong.statusCode());
        assertEquals(401, wrongUnknown.statusCode());
        assertEquals(wrong.body(), wrongUnknown.body());
        assertEquals(404, post("no-such-service", secret, "5", payload).statusCode());
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/heal/" + svc.name()))
                .header("X-Bluegreen-Token", secret).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertEquals(413, post(svc.name(), secret, "5", "[" + " ".repeat(1 << 20) + "]").statusCode());
        assertEquals(400, post(svc.name(), secret, null, payload).statusCode());
        assertEquals(400, post(svc.name(), secret, "5", "{\"not\":\"a watch\"}").statusCode());
        // None of the refusals was recorded as a handled index: the first real one is accepted.
        long t0 = System.nanoTime();
        HttpResponse<String> ok = post(svc.name(), secret, "5", payload);
        assertEquals(ok.body(), 202, ok.statusCode());
        assertTrue("answers before healing", System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos());
        assertTrue(ok.body(), ok.body().contains("checks payload, 1 critical"));
    }

    /**
     * The index is a hint: the one last handled has nothing new (an agent reload fires it again), a lower one is
     * Consul after a leader change, and a poisoned huge one blocks nothing after it.
     */
    @Test
    public void theIndexIsAHintNeverALock() throws Exception {
        String empty = "[]";
        assertEquals(202, post(svc.name(), secret, "10", empty).statusCode());
        HttpResponse<String> again = post(svc.name(), secret, "10", empty);
        assertEquals(again.body(), 200, again.statusCode());
        assertTrue(again.body(), again.body().startsWith("index 10 already handled: nothing new"));
        assertEquals(202, post(svc.name(), secret, "9223372036854775807", empty).statusCode());
        assertEquals("a lower index after a leader change is taken", 202, post(svc.name(), secret, "11", empty).statusCode());
        assertEquals(202, post(svc.name(), secret, "12", empty).statusCode());
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(Stack.consul() + "/v1/kv/bluegreen/" + svc.name()
                + "/notes/heal-server-index")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    /** The rollback door: only signed requests, each once, within 30 s, and not changed on the way. */
    @Test
    public void aRollbackMustBeSignedFreshAndIsTakenOnce() throws Exception {
        HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/rollback/" + svc.name()))
                .header("X-Bluegreen-Token", secret).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(token.body(), 401, token.statusCode());
        assertEquals("2", token.headers().firstValue("X-Bluegreen-Exit").orElse(""));
        assertTrue(token.body(), token.body().contains("no X-Bluegreen-Signature header"));
        long now = System.currentTimeMillis() / 1000;
        String target = "/v1/rollback/" + svc.name();
        String old = RequestSignatures.sign(new Secret(secret), "POST", target, now - 31, null, new byte[0]);
        assertTrue(signed(target, old, null).body().contains("more than 30 s apart"));
        String forIndex5 = RequestSignatures.sign(new Secret(secret), "POST", target, now, "5", new byte[0]);
        HttpResponse<String> changed = signed(target, forIndex5, "6");
        assertEquals(401, changed.statusCode());
        assertTrue(changed.body(), changed.body().contains("wrong X-Bluegreen-Signature"));
        String fresh = RequestSignatures.sign(new Secret(secret), "POST", target, now, null, new byte[0]);
        HttpResponse<String> first = signed(target, fresh, null);
        assertEquals(first.body(), 409, first.statusCode()); // signed and taken: refused only because nothing was deployed
        assertTrue(first.body(), first.body().contains("nothing was ever deployed"));
        HttpResponse<String> replay = signed(target, fresh, null);
        assertEquals(replay.body(), 401, replay.statusCode());
        assertTrue(replay.body(), replay.body().contains("already used"));
        assertTrue(server.out(), server.out().contains("-> 401 bluegreen: invalid input: the heal server refused the request"));
    }

    private HttpResponse<String> signed(String target, String signature, String index) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + target)).timeout(Duration.ofSeconds(90))
                .header(RequestSignatures.HEADER, signature).POST(HttpRequest.BodyPublishers.noBody());
        if (index != null) {
            b.header("X-Consul-Index", index);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> rollback(String key) throws Exception {
        return rollback(key, "");
    }

    private HttpResponse<String> rollback(String key, String query) throws Exception {
        return rollback(key, query, null);
    }

    /**
     * Signed with {@code key} as bin/bluegreen signs; {@code seenIndex}: the state's index the person decided on
     * (X-Consul-Index, as bin/bluegreen sends it).
     */
    private HttpResponse<String> rollback(String key, String query, String seenIndex) throws Exception {
        String target = "/v1/rollback/" + svc.name() + query;
        // Each call its own time, as a person's second try has: the same signature twice is refused as a replay first.
        // Strictly earlier than the call before, whatever the clock did between them (still well within the 30 s).
        long at = Math.min(System.currentTimeMillis() / 1000, lastSignedAt - 1);
        lastSignedAt = at;
        return signed(target, RequestSignatures.sign(new Secret(key), "POST", target, at, seenIndex, new byte[0]), seenIndex);
    }

    /** The state's KV index now, as bin/bluegreen reads it before asking for a rollback. */
    private String stateIndex() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(Stack.consul() + "/v1/kv/bluegreen/" + svc.name() + "/state")).build(),
                HttpResponse.BodyHandlers.discarding()).headers().firstValue("X-Consul-Index").orElseThrow();
    }

    /** {@code n} watch POSTs at once, each with its own index from {@code firstIndex} (an agent reloaded n times). */
    private List<Integer> storm(int n, long firstIndex, String payload) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String index = Long.toString(firstIndex + i);
                answers.add(pool.submit(() -> post(svc.name(), secret, index, payload).statusCode()));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> a : answers) {
                codes.add(a.get(30, TimeUnit.SECONDS));
            }
            return codes;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<HistoryRecord> heals() {
        return Stack.shared().systems().store().history(svc.name(), 100).stream().filter(h -> h.kind().equals("heal")).toList();
    }

    /**
     * Consul's watches fire on agent reloads and more than once per change (hashicorp/consul #571, #4152, #2754): 50
     * firings with nothing failing do nothing, and 50 at once for one dead replica are one heal.
     */
    @Test
    public void aWatchStormIsOneHealAndFiringsWithNothingFailingAreNone() throws Exception {
        NginxProxy nginx = svc.nginx();
        new Deployer(Stack.shared().systems(), e -> { }).deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", nginx,
                "10m", null));
        List<Integer> calm = storm(50, 1_000, "[]");
        assertTrue(calm.toString(), calm.stream().allMatch(c -> c == 202));
        Thread.sleep(3000);
        assertEquals("nothing failed, nothing healed: " + heals(), List.of(), heals());

        String victim = Stack.shared().systems().store().readState(svc.name()).value().color(io.bluegreen.core.engine.Color.BLUE)
                .orElseThrow().replicaIds().get(0);
        Stack.docker("kill", victim);
        List<Integer> codes = storm(50, 2_000, CRITICAL.formatted(svc.name()));
        assertTrue(codes.toString(), codes.stream().allMatch(c -> c == 202));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (heals().stream().noneMatch(h -> h.outcome().equals("healed")) && System.nanoTime() < end) {
            Thread.sleep(250);
        }
        Thread.sleep(5000); // the coalesced triggers run their (empty) heals
        List<HistoryRecord> acted = heals().stream().filter(h -> !h.outcome().equals("skipped")).toList();
        assertEquals("one incident, one heal: " + acted + "\n" + server.out(), 1, acted.size());
        assertEquals("healed", acted.get(0).outcome());
        String person = Stack.env().getOrDefault("USER", System.getProperty("user.name")) + "@";
        List<HistoryRecord> replaced = Stack.shared().systems().store().history(svc.name(), 100).stream()
                .filter(h -> h.kind().equals("replace")).toList();
        for (HistoryRecord h : List.of(acted.get(0), replaced.get(0))) {
            assertTrue("the heal worker, in the server's process, acted: " + h.actor(), h.actor().startsWith("heal worker in " + person));
        }
        assertTrue(Stack.get(nginx.url()).body().contains("v1"));
    }

    /** A retry after a lost answer, or a second person: the rollback was asked once and is done once. */
    @Test
    public void aRollbackDecidedOnAStateThatMovedOnIsRefusedNotDoneTwice() throws Exception {
        NginxProxy nginx = svc.nginx();
        Deployer deployer = new Deployer(Stack.shared().systems(), e -> { });
        deployer.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", nginx, "10m", null));
        deployer.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v2", nginx, "10m", null));
        String seen = stateIndex();
        HttpResponse<String> once = rollback(secret, "", seen);
        assertEquals(once.body(), 200, once.statusCode());
        assertTrue(Stack.get(nginx.url()).body().contains("v1"));
        HttpResponse<String> twice = rollback(secret, "", seen);
        assertEquals(twice.body(), 409, twice.statusCode());
        assertEquals("1", twice.headers().firstValue("X-Bluegreen-Exit").orElse(""));
        assertTrue(twice.body(), lastLine(twice.body()).startsWith("bluegreen: refused: already moved on: production of "
                + svc.name() + " is on blue (v1) now"));
        assertTrue("traffic stays where the first rollback put it", Stack.get(nginx.url()).body().contains("v1"));
        HttpResponse<String> bad = rollback(secret, "", "12abc");
        assertEquals(bad.body(), 400, bad.statusCode());
        assertEquals("2", bad.headers().firstValue("X-Bluegreen-Exit").orElse(""));
        assertTrue(Stack.get(nginx.url()).body().contains("v1"));
    }

    /** What `bin/bluegreen rollback` uses when BLUEGREEN_HEAL_URL names a running server: no JVM start in an incident. */
    @Test
    public void rollsBackThroughTheServerWithTheCommandsExitCodes() throws Exception {
        HttpResponse<String> nothing = rollback(secret);
        assertEquals(nothing.body(), 409, nothing.statusCode());
        assertEquals("1", nothing.headers().firstValue("X-Bluegreen-Exit").orElse(""));
        String refusal = lastLine(nothing.body());
        assertTrue(nothing.body(), refusal.startsWith("bluegreen: refused: ") && refusal.contains("nothing was ever deployed"));
        NginxProxy nginx = svc.nginx();
        Deployer deployer = new Deployer(Stack.shared().systems(), e -> { });
        deployer.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v1", nginx, "10m", null));
        deployer.deploy(Specs.spec(tmp.getRoot().toPath(), svc.name(), "v2", nginx, "10m", null));
        assertEquals(401, rollback(secret + "x").statusCode());
        HttpResponse<String> back = rollback(secret);
        assertEquals(back.body(), 200, back.statusCode());
        assertEquals("0", back.headers().firstValue("X-Bluegreen-Exit").orElse(""));
        // What the CLI prints, line for line: the phases, then the outcome last.
        assertTrue(back.body(), back.body().lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d > flip .*")));
        assertTrue(back.body(), lastLine(back.body()).startsWith(svc.name() + " is back on blue (v1) after "));
        assertTrue(Stack.get(nginx.url()).body().contains("v1"));
        // --json: one event per line, as `rollback --json` prints them, the result among them.
        HttpResponse<String> json = rollback(secret, "?format=json");
        assertEquals(json.body(), 200, json.statusCode());
        for (String line : json.body().split("\n")) {
            JsonNode event = new ObjectMapper().readTree(line);
            assertTrue(line, event.has("type") && event.has("at") && svc.name().equals(event.path("service").asText()));
        }
        assertTrue(json.body(), json.body().contains("\"type\":\"result\""));
        assertTrue(Stack.get(nginx.url()).body().contains("v2"));
    }

    private static String lastLine(String body) {
        String[] lines = body.split("\n");
        return lines[lines.length - 1];
    }
}
