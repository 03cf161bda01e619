package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.it.NginxProxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Specs;
import io.bluegreen.core.it.Stack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The `bluegreen` contract: exit codes, messages naming the field, nothing changed on bad input, no secret printed. */
public class CliIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("cli");
    private final BlueGreen bg = Stack.shared();
    private String service;
    private NginxProxy nginx;

    @Before
    public void names() throws Exception {
        service = svc.name();
        nginx = svc.nginx();
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new BlueGreenCli(env, new PrintWriter(out), new PrintWriter(err)).run(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run run(String... args) {
        return run(Stack.env(), args);
    }

    private Path spec(String tag, String extra) throws Exception {
        return Specs.write(tmp.getRoot().toPath(), service, tag, nginx, "10m", extra);
    }

    /** Nothing of the service anywhere: no container, no registration, no KV key, the proxy's file untouched. */
    private void assertNothingChanged(String upstreamBefore) throws Exception {
        assertTrue(bg.systems().cluster().list(service).isEmpty());
        assertTrue(bg.systems().registry().instances(service).isEmpty());
        assertEquals("[]", Stack.get(Stack.consul() + "/v1/kv/bluegreen/" + service + "?keys=true").status() == 404 ? "[]"
                : Stack.get(Stack.consul() + "/v1/kv/bluegreen/" + service + "?keys=true").body());
        assertEquals(upstreamBefore, Files.readString(nginx.upstreamFile));
    }

    @Test
    public void everyKindOfInvalidInputExitsTwoNamingTheFieldAndChangesNothing() throws Exception {
        String before = Files.readString(nginx.upstreamFile);
        String good = Files.readString(spec("v1", null));
        Map<String, String> cases = new HashMap<>();
        cases.put("service", good.replace("service: " + service, "service: Bad_Name"));
        cases.put("replicas", good.replace("replicas: 2", "replicas: lots"));
        cases.put("containerPort", good.replace("containerPort: 8080", "containerPort: 0"));
        cases.put("health.passes", good.replace("passes: 2", "passes: 1000"));
        cases.put("health.interval", good.replace("interval: 1s", "interval: often"));
        cases.put("build.context", good.replace("examples/vote,", "examples/none,"));
        cases.put("colour", good + "colour: blue\n");
        cases.put("router.type", good.replace("type: nginx", "type: traefik"));
        cases.put("router.nginx.admin", good.replace(nginx.admin, "/nonexistent/admin.sock"));
        cases.put("router.nginx.mode", good.replace("admin:", "mode: hot, admin:"));
        cases.put("tag", good.replace("tag: v1", "tag: \"v1 && reboot\""));
        cases.put("spec file", "service: [");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path f = tmp.getRoot().toPath().resolve("bad.yml");
            Files.writeString(f, c.getValue());
            Run r = run("deploy", "-f", f.toString());
            assertEquals(c.getKey() + ": " + r.all(), 2, r.exit());
            assertTrue(c.getKey() + " named in: " + r.err(), r.err().contains(c.getKey()));
        }
        Run r = run("deploy", "-f", spec("v1", null).toString(), "--tag", "../x");
        assertEquals(r.all(), 2, r.exit());
        assertTrue(r.err(), r.err().contains("tag: '../x'"));
        assertEquals(2, run("deploy").exit());
        assertEquals(2, run("deploy", "-f", "/nonexistent.yml").exit());
        assertEquals(2, run("status", "-s", "../../etc").exit());
        assertEquals(2, run("rollback", "-s", "UPPER").exit());
        assertEquals(2, run("history", "-s", service, "--limit", "0").exit());
        assertEquals(2, run("frobnicate").exit());
        Map<String, String> badEnv = new HashMap<>(Stack.env());
        badEnv.put("CONSUL_HTTP_ADDR", "ftp://somewhere");
        r = run(badEnv, "status", "-s", service);
        assertEquals(2, r.exit());
        assertTrue(r.err(), r.err().contains("CONSUL_HTTP_ADDR"));
        assertNothingChanged(before);
    }

    @Test
    public void anUnreachableRegistryOrConsulExitsThreeAndChangesNothing() throws Exception {
        String before = Files.readString(nginx.upstreamFile);
        Run r = run("deploy", "-f", spec("v1", null).toString(), "--image", "127.0.0.1:5999/vote");
        assertEquals(r.all(), 3, r.exit());
        assertTrue(r.err(), r.err().contains("registry unreachable") && r.err().contains("127.0.0.1:5999"));
        Map<String, String> noConsul = new HashMap<>(Stack.env());
        noConsul.put("CONSUL_HTTP_ADDR", "127.0.0.1:1");
        r = run(noConsul, "deploy", "-f", spec("v1", null).toString());
        assertEquals(r.all(), 3, r.exit());
        assertTrue(r.err(), r.err().contains("Consul unreachable"));
        Map<String, String> noDocker = new HashMap<>(Stack.env());
        noDocker.put("DOCKER_HOST", "unix:///nonexistent/docker.sock");
        r = run(noDocker, "deploy", "-f", spec("v1", null).toString());
        assertEquals(r.all(), 3, r.exit());
        assertTrue(r.err(), r.err().contains("Docker unreachable"));
        assertNothingChanged(before);
    }

    @Test
    public void registryCredentialsWorkAndNoSecretIsEverPrintedOrStored() throws Exception {
        Map<String, String> auth = registryAuth();
        String token = "tok-" + UUID.randomUUID();
        Map<String, String> env = new HashMap<>(Stack.env());
        env.put("CONSUL_HTTP_TOKEN", token);
        env.put("REGISTRY_USERNAME", auth.get("REGISTRY_AUTH_USERNAME"));
        String wrong = "wrong-" + UUID.randomUUID();
        env.put("REGISTRY_PASSWORD", wrong);
        String image = auth.get("REGISTRY_AUTH_ADDR") + "/vote";

        Run refused = run(env, "deploy", "-f", spec("v1", null).toString(), "--image", image);
        assertEquals(refused.all(), 1, refused.exit());
        assertTrue(refused.err(), refused.err().contains("push") && refused.err().contains("nothing was changed"));
        assertFalse(refused.all().contains(wrong));

        String password = auth.get("REGISTRY_AUTH_PASSWORD");
        env.put("REGISTRY_PASSWORD", password);
        Run ok = run(env, "deploy", "-f", spec("v1", null).toString(), "--image", image, "--json");
        assertEquals(ok.all(), 0, ok.exit());
        Run history = run(env, "history", "-s", service, "--json");
        Run status = run(env, "status", "-s", service, "--json");
        String kv = Stack.kvDecoded(service);
        assertTrue("the state was read back decoded: " + kv, kv.contains("bluegreen/" + service + "/state = {"));
        for (String text : List.of(refused.all(), ok.all(), history.all(), status.all(), kv)) {
            assertFalse("password leaked", text.contains(password));
            assertFalse("wrong password leaked", text.contains(wrong));
            assertFalse("token leaked", text.contains(token));
        }
    }

    @Test
    public void aBrokenVersionExitsOneWithTheReasonAndJsonEventsAreOnePerLine() throws Exception {
        Run good = run("deploy", "-f", spec("v1", null).toString());
        assertEquals(good.all(), 0, good.exit());
        assertTrue(good.out(), good.out().matches("(?s).*> gate .*< gate +done in \\d+\\.\\ds.*"));
        Map<String, String> bot = new HashMap<>(Stack.env());
        bot.put("BLUEGREEN_ACTOR", "release-bot #42");
        Run broken = run(bot, "deploy", "-f", spec("v3", null).toString(), "--json");
        assertEquals(broken.all(), 1, broken.exit());
        assertTrue(broken.err(), broken.err().contains("health gate") && broken.err().contains("traffic stays on blue"));
        ObjectMapper json = new ObjectMapper();
        boolean sawResult = false;
        for (String line : broken.out().strip().split("\n")) {
            JsonNode e = json.readTree(line);
            assertTrue(line, e.has("type") && e.has("at"));
            sawResult |= e.get("type").asText().equals("phase-failed");
        }
        assertTrue(sawResult);
        Run status = run("status", "-s", service);
        assertEquals(0, status.exit());
        assertTrue(status.out(), status.out().contains("active color blue") && status.out().contains("2/2"));
        Run history = run("history", "-s", service);
        assertTrue(history.out(), history.out().indexOf("rolled-back") < history.out().indexOf("succeeded"));
        // Who did what: the bot's deploy, and the person's (the OS user at this host) before it.
        String person = Stack.env().getOrDefault("USER", System.getProperty("user.name")) + "@";
        List<String> lines = history.out().lines().toList();
        assertTrue(history.out(), lines.get(0).contains(" ACTOR "));
        assertTrue(history.out(), lines.get(1).contains("rolled-back") && lines.get(1).contains(" release-bot #42 "));
        assertTrue(history.out(), lines.get(2).contains("succeeded") && lines.get(2).contains(" " + person));
        Run byBot = run("history", "-s", service, "--actor", "RELEASE-BOT");
        assertEquals(byBot.all(), 2, byBot.out().lines().count());
        assertTrue(byBot.out(), byBot.out().contains("rolled-back") && !byBot.out().contains("succeeded"));
        Run badActor = run(Map.of("BLUEGREEN_ACTOR", "a\nb"), "history", "-s", service);
        assertEquals(badActor.all(), 2, badActor.exit());
        assertTrue(badActor.err(), badActor.err().contains("BLUEGREEN_ACTOR: must be 1 to 200 characters on one line"));
        Run rollback = run("rollback", "-s", service);
        assertEquals(rollback.all(), 1, rollback.exit());
        assertTrue(rollback.err(), rollback.err().contains("refused") && rollback.err().contains("no warm standby"));
        assertNull(Stack.kv("bluegreen/" + service + "/journal"));
    }

    @Test
    public void promoteAndAbortNeedAPreviewAndAManualDeployWaitsInOne() throws Exception {
        for (String decision : List.of("promote", "abort")) {
            Run none = run(decision, "-s", service);
            assertEquals(none.all(), 1, none.exit());
            assertTrue(none.err(), none.err().contains("nothing is in preview"));
        }
        Run manual = run("deploy", "-f", spec("v1", "promotion: { mode: manual, timeout: 10m }\n").toString());
        assertEquals(manual.all(), 0, manual.exit());
        assertTrue(manual.out(), manual.out().contains("in preview until `bin/bluegreen promote -s " + service + "`")
                && manual.out().contains(service + " v1 waits in preview on blue") && !manual.out().contains("is live"));
        Run status = run("status", "-s", service);
        assertTrue(status.out(), status.out().contains("preview: blue (v1) since "));
        Run abort = run("abort", "-s", service);
        assertEquals(abort.all(), 0, abort.exit());
        assertFalse(run("status", "-s", service).out().contains("preview:"));
    }

    private static Map<String, String> registryAuth() throws Exception {
        Map<String, String> out = new HashMap<>();
        String stack = System.getenv().getOrDefault("BLUEGREEN_STACK_DIR", Stack.ROOT.resolve(".stack").toString());
        Path file = Path.of(stack, "registry-auth.env");
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^['\"]|['\"]$", ""));
            }
        }
        return out;
    }
}
