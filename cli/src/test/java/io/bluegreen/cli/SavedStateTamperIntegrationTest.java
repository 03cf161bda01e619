package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.it.NginxProxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Specs;
import io.bluegreen.core.it.Stack;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Consul's KV is a trust boundary: whoever writes {@code bluegreen/S/} without the state key must not thereby run a
 * command, point the proxy elsewhere or retire what serves. Each record is changed in the real Consul as an attacker, a
 * bad restore or a crash would leave it; every command then refuses (exit 4, the key named), nothing is executed, and
 * the real nginx keeps its servers.
 */
public class SavedStateTamperIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("tamper");
    private final BlueGreen bg = Stack.shared();
    private String service;
    private NginxProxy nginx;

    @Before
    public void names() throws Exception {
        service = svc.name();
        // reload mode: its saved state names the nginx binary the tool runs, one of the records tampered with below
        nginx = svc.nginx(true, NginxProxy.Mode.RELOAD);
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Run run(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new BlueGreenCli(env, new PrintWriter(out), new PrintWriter(err),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))).run(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run run(String... args) {
        return run(Stack.env(), "[]", args);
    }

    private Path spec(String tag, String extra) throws Exception {
        return Specs.write(tmp.getRoot().toPath(), service, tag, nginx, "10m", extra);
    }

    private String key(String leaf) {
        return "bluegreen/" + service + "/" + leaf;
    }

    private void put(String leaf, String text) {
        Stack.put(Stack.consul() + "/v1/kv/" + key(leaf), text);
    }

    private void delete(String leaf) throws Exception {
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(Stack.consul() + "/v1/kv/" + key(leaf))).DELETE().build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
    }

    /** What must not move: the proxy's routed servers (both routes), the replicas, the registrations. */
    private String world() throws Exception {
        Set<String> replicas = bg.systems().cluster().list(service).stream().map(r -> r.id() + (r.running() ? "" : " stopped"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> registered = bg.systems().registry().instances(service).stream().map(i -> i.id())
                .collect(Collectors.toCollection(TreeSet::new));
        return "production: " + Files.readString(nginx.upstreamFile).lines().filter(l -> l.contains("server")).toList()
                + "\npreview: " + Files.readString(nginx.previewUpstreamFile).lines().filter(l -> l.contains("server")).toList()
                + "\nreplicas: " + replicas + "\nregistered: " + registered;
    }

    @Test
    public void everyChangedRecordIsRefusedByEveryCommandAndNothingRunsOrMoves() throws Exception {
        Path marker = tmp.getRoot().toPath().resolve("hook-ran");
        Path owned = tmp.getRoot().toPath().resolve("owned");
        Path evil = tmp.getRoot().toPath().resolve("evil-nginx");
        Files.writeString(evil, "#!/bin/sh\ntouch " + owned + "\n");
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, run("deploy", "-f", spec("v1", null).toString()).exit());
        Run preview = run("deploy", "-f", spec("v2", "promotion: { mode: manual }\n"
                + "hooks: { postPromotion: [ { run: [ touch, " + marker + " ] } ] }\n").toString());
        assertEquals(preview.all(), 0, preview.exit());
        String state = Stack.kv(key("state"));
        assertTrue(state, state.contains("\"mac\":\"hmac-sha256:") && state.contains(marker.toString())
                && state.contains("\"binary\":\"/usr/sbin/nginx\""));
        String endpoint = bg.status(service).colors().stream().filter(c -> c.color().equals("green")).findFirst().orElseThrow()
                .replicaStatus().get(0).endpoint();
        String before = world();

        // A journal of the previous format that lacks routerSnapshot: its repair would have emptied the route.
        String noSnapshot = "{\"opId\":\"20261201-080000-0001\",\"kind\":\"deploy\",\"phase\":\"flip\",\"target\":\"green\","
                + "\"version\":\"v9\",\"previous\":{\"service\":\"" + service + "\",\"colors\":{}},\"router\":{\"type\":\"nginx\","
                + "\"upstreamFile\":\"" + nginx.upstreamFile + "\",\"configFile\":\"" + nginx.configFile + "\",\"binary\":\"nginx\"},"
                + "\"startedAt\":\"2026-12-01T08:00:00Z\"}";
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("a hook's argv", new String[] {state.replace(marker.toString(), owned.toString()), null});
        cases.put("the nginx binary", new String[] {state.replace("\"binary\":\"/usr/sbin/nginx\"", "\"binary\":\"" + evil + "\""), null});
        cases.put("a replica address", new String[] {state.replace(endpoint, "127.0.0.1:9"), null});
        cases.put("garbage in the state", new String[] {"{\"service\": garbage", null});
        cases.put("a journal without routerSnapshot", new String[] {state, noSnapshot});
        cases.put("garbage in the journal", new String[] {state, "{\"opId\": garbage"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String stateText = c.getValue()[0];
            String journalText = c.getValue()[1];
            assertTrue(c.getKey() + " changed the record", journalText != null || !stateText.equals(state));
            String leaf = journalText == null ? "state" : "journal";
            for (List<String> command : List.of(List.of("promote", "-s", service), List.of("rollback", "-s", service),
                    List.of("heal", "-s", service), List.of("deploy", "-f", spec("v3", null).toString()))) {
                put("state", stateText);
                if (journalText == null) {
                    delete("journal");
                } else {
                    put("journal", journalText);
                }
                Run r = run(command.toArray(String[]::new));
                String what = c.getKey() + ", " + command.get(0) + ": " + r.all();
                if (journalText != null && command.get(0).equals("rollback")) {
                    // A flip back to the standby needs nothing of the journal and goes on without it (never acting on
                    // it); here it is refused because the color it would go back to waits in preview.
                    assertEquals(what, 1, r.exit());
                    assertTrue(what, r.err().contains("not a warm standby"));
                    assertTrue(what, r.all().contains(key("journal")));
                } else {
                    assertEquals(what, 4, r.exit());
                    assertTrue(what, r.err().contains("bluegreen: refused, a human must look: " + key(leaf)));
                }
                assertFalse(what + ": the hook ran", Files.exists(marker));
                assertFalse(what + ": a command of the attacker ran", Files.exists(owned));
                assertEquals(what, before, world());
            }
        }
        put("state", state);
        delete("journal");
        Run promoted = run("promote", "-s", service);
        assertEquals(promoted.all(), 0, promoted.exit());
        assertTrue("the signed state's own hook runs", Files.exists(marker));
        assertFalse(Files.exists(owned));
    }

    /**
     * The case, on the real stack: the state saved while v2 waited in preview, written back after its promotion.
     * This machine saw the newer state and refuses the older; a machine that did not (its own ledger) refuses the abort
     * because nginx sends production to the color the state calls "in preview". Production answers throughout.
     */
    @Test
    public void anAbortOnAStateWrittenBackFromBeforeThePromotionLeavesProductionServing() throws Exception {
        assertEquals(0, run("deploy", "-f", spec("v1", null).toString()).exit());
        assertEquals(0, run("deploy", "-f", spec("v2", "promotion: { mode: manual }\n").toString()).exit());
        String saved = Stack.kv(key("state"));
        Run promoted = run("promote", "-s", service);
        assertEquals(promoted.all(), 0, promoted.exit());
        String before = world();
        List<String> green = bg.systems().cluster().list(service).stream().filter(r -> r.color().label().equals("green"))
                .map(Replica::id).toList();
        assertEquals(2, green.size());
        put("state", saved);

        Run replay = run("abort", "-s", service);
        assertEquals(replay.all(), 4, replay.exit());
        assertTrue(replay.err(), replay.err().contains(key("state") + " is generation"));
        assertTrue(replay.err(), replay.err().contains("this machine already saw (a replay, or a restored backup?)"));

        Map<String, String> otherMachine = new HashMap<>(Stack.env());
        otherMachine.put("BLUEGREEN_STATE_DIR", tmp.newFolder("another-machine").toString());
        Run stale = run(otherMachine, "[]", "abort", "-s", service);
        assertEquals(stale.all(), 4, stale.exit());
        assertTrue(stale.err(), stale.err().contains("disagrees with what serves traffic"));
        assertTrue(stale.err(), stale.err().contains("is in preview in the state, but nginx"));
        assertEquals(before, world());
        assertEquals("production still answers, from v2", 200, Stack.get(nginx.url()).status());
        assertTrue(Stack.get(nginx.url()).body().contains("v2"));
    }

    /** Records written before signing, or by hand, are trusted again only by a person: `state trust`. */
    @Test
    public void anUnsignedStateIsRefusedUntilAPersonTrustsIt() throws Exception {
        Map<String, String> keyless = new HashMap<>(Stack.env());
        keyless.remove("BLUEGREEN_STATE_KEY_FILE");
        keyless.remove("BLUEGREEN_STATE_KEY");
        Run first = run(keyless, "[]", "deploy", "-f", spec("v1", null).toString());
        assertEquals(first.all(), 0, first.exit());
        assertTrue(first.err(), first.err().contains("the state in Consul is not signed"));
        assertFalse(Stack.kv(key("state")).contains("\"mac\""));

        Run refused = run("status", "-s", service);
        assertEquals(refused.all(), 4, refused.exit());
        assertTrue(refused.err(), refused.err().contains(key("state") + " is not signed"));
        assertTrue(refused.err(), refused.err().contains("`bin/bluegreen state trust -s " + service + "`"));

        Run trusted = run("state", "trust", "-s", service);
        assertEquals(trusted.all(), 0, trusted.exit());
        assertTrue(trusted.out(), trusted.out().contains("signed " + key("state") + " as it is: active blue; blue v1"));
        assertTrue(trusted.out(), trusted.out().contains("signed 1 history record(s)"));
        assertEquals(0, run("status", "-s", service).exit());
        assertEquals(0, run("history", "-s", service).exit());
        assertTrue(Stack.kv(key("state")).contains("\"mac\":\"hmac-sha256:"));
    }
}
