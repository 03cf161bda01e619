package io.bluegreen.core.spec;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SpecReaderTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Path dir;

    @Before
    public void files() throws IOException {
        dir = tmp.getRoot().toPath();
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/Dockerfile"), "FROM scratch\n");
        Files.createDirectories(dir.resolve("nginx/upstreams"));
        Files.writeString(dir.resolve("nginx/nginx.conf"), "events {}\n");
    }

    private static final String FULL = """
            service: vote
            image: 127.0.0.1:5000/vote
            tag: v2
            build: { context: ./app, dockerfile: Dockerfile, args: { COLOR: blue } }
            push: true
            replicas: 2
            containerPort: 8080
            hostAddress: 127.0.0.1
            env: { GREETING: hello, WORKERS: 4 }
            health: { path: /health, interval: 1s, timeout: 500ms, passes: 3, deadline: 60s }
            verify: { window: 5s, url: "http://127.0.0.1:18080/" }
            standby: { keep: 10m }
            router:
              type: nginx
              nginx: { mode: reload, upstreamFile: nginx/upstreams/vote.conf, configFile: nginx/nginx.conf }
            """;

    private DeploymentSpec read(String yaml) throws IOException {
        return read(yaml, Map.of());
    }

    private DeploymentSpec read(String yaml, Map<String, Object> overrides) throws IOException {
        Path f = dir.resolve("spec.yml");
        Files.writeString(f, yaml);
        return SpecReader.read(f, overrides);
    }

    private List<String> problems(String yaml) throws IOException {
        try {
            read(yaml);
            fail("expected the spec to be refused:\n" + yaml);
            return null;
        } catch (InvalidSpecException e) {
            return e.problems();
        }
    }

    private void assertProblem(String yaml, String field, String words) throws IOException {
        List<String> p = problems(yaml);
        assertTrue("expected a problem naming " + field + " with '" + words + "', got " + p,
                p.stream().anyMatch(s -> s.startsWith(field + ":") && s.contains(words)));
    }

    @Test
    public void readsEveryField() throws IOException {
        DeploymentSpec s = read(FULL);
        assertEquals("vote", s.service());
        assertEquals("127.0.0.1:5000/vote:v2", s.imageRef());
        assertEquals(dir.resolve("app"), s.build().orElseThrow().context());
        assertEquals(Map.of("COLOR", "blue"), s.build().orElseThrow().args());
        assertTrue(s.push());
        assertEquals(2, s.replicas());
        assertEquals(8080, s.containerPort());
        assertEquals(Map.of("GREETING", "hello", "WORKERS", "4"), s.env());
        assertEquals(Duration.ofMillis(500), s.health().timeout());
        assertEquals(3, s.health().passes());
        assertEquals("http://127.0.0.1:18080/", s.verify().url().orElseThrow().toString());
        assertEquals(Duration.ofMinutes(10), s.standbyKeep());
        assertEquals(RouterSpec.Type.NGINX, s.router().type());
        assertEquals(dir.resolve("nginx/upstreams/vote.conf"), s.router().nginx().orElseThrow().upstreamFile());
        assertEquals(Duration.ofSeconds(60), s.lockWait());
    }

    @Test
    public void minimalSpecGetsDefaults() throws IOException {
        DeploymentSpec s = read("service: api\nimage: registry.example/team/api\ntag: 1\ncontainerPort: 80\n");
        assertEquals("1", s.tag());
        assertEquals(1, s.replicas());
        assertEquals("127.0.0.1", s.hostAddress());
        assertEquals("/health", s.health().path());
        assertEquals(Duration.ofSeconds(1), s.health().interval());
        assertEquals(RouterSpec.Type.NONE, s.router().type());
        assertFalse(s.build().isPresent());
        assertFalse(s.push());
    }

    @Test
    public void overridesReplaceFieldsAndAreValidatedToo() throws IOException {
        assertEquals("v9", read(FULL, Map.of("tag", "v9")).tag());
        assertEquals("127.0.0.1:5000/other", read(FULL, Map.of("image", "127.0.0.1:5000/other")).image());
        try {
            read(FULL, Map.of("tag", "bad tag"));
            fail();
        } catch (InvalidSpecException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("tag: 'bad tag'"));
        }
    }

    @Test
    public void serviceMustBeDnsLabelSafe() throws IOException {
        for (String bad : List.of("Vote", "vote_1", "-vote", "vote-", "a/b", "\"a;rm -rf\"", "x".repeat(64), "\"\"")) {
            assertProblem(FULL.replace("service: vote", "service: " + bad), "service", "");
        }
        assertProblem(FULL.replace("service: vote\n", ""), "service", "is required");
        assertEquals("a", read(FULL.replace("service: vote", "service: a")).service());
        assertEquals(63, read(FULL.replace("service: vote", "service: " + "a".repeat(63))).service().length());
    }

    @Test
    public void unknownKeysAreNamedWithTheirPath() throws IOException {
        assertProblem(FULL + "replica: 3\n", "replica", "unknown field");
        assertProblem(FULL.replace("passes: 3", "passes: 3, pases: 2"), "health.pases", "unknown field");
        assertProblem(FULL.replace("upstreamFile:", "upstream:"), "router.nginx.upstream", "unknown field");
    }

    @Test
    public void wrongTypesAndRangesAreNamed() throws IOException {
        assertProblem(FULL.replace("replicas: 2", "replicas: two"), "replicas", "whole number");
        assertProblem(FULL.replace("replicas: 2", "replicas: 0"), "replicas", "from 1 to 200");
        assertProblem(FULL.replace("replicas: 2", "replicas: 201"), "replicas", "from 1 to 200");
        assertProblem(FULL.replace("containerPort: 8080", "containerPort: 70000"), "containerPort", "from 1 to 65535");
        assertProblem(FULL.replace("push: true", "push: maybe"), "push", "true or false");
        assertProblem(FULL.replace("interval: 1s", "interval: soon"), "health.interval", "duration");
        assertProblem(FULL.replace("interval: 1s", "interval: 10ms"), "health.interval", "at least 1s (Consul runs no check more often)");
        assertProblem(FULL.replace("interval: 1s", "interval: 500ms"), "health.interval", "got 500ms");
        assertProblem(FULL.replace("passes: 3", "passes: 0"), "health.passes", "from 1 to 100");
        assertProblem(FULL.replace("deadline: 60s", "deadline: 2s"), "health.deadline", "shorter than 3 passes");
        assertProblem(FULL.replace("keep: 10m", "keep: forever"), "standby.keep", "duration");
        assertProblem(FULL.replace("hostAddress: 127.0.0.1", "hostAddress: localhost"), "hostAddress", "IPv4");
        assertProblem(FULL.replace("hostAddress: 127.0.0.1", "hostAddress: 300.1.1.1"), "hostAddress", "IPv4");
        assertProblem(FULL.replace("path: /health", "path: health"), "health.path", "HTTP path");
        assertProblem(FULL.replace("env: { GREETING: hello, WORKERS: 4 }", "env: [a, b]"), "env", "mapping");
        assertProblem(FULL.replace("GREETING: hello", "BAD-NAME: x"), "env", "environment variable name");
        assertProblem(FULL.replace("GREETING: hello", "BLUEGREEN_COLOR: x"), "env", "reserved");
        assertProblem(FULL.replace("health: {", "health: 3\nhealthy: {"), "health", "mapping");
        assertProblem(FULL.replace("\"http://127.0.0.1:18080/\"", "\"ftp://x/\""), "verify.url", "http(s) URL");
        assertProblem(FULL.replace("\"http://127.0.0.1:18080/\"", "\"http://u:p@127.0.0.1/\""), "verify.url", "user:password");
    }

    @Test
    public void networksAreDockerNetworkNamesEachGivenOnce() throws IOException {
        assertEquals(List.of(), read(FULL).networks());
        assertEquals(List.of("bluegreen-vote", "Backend_1.net"),
                read(FULL + "networks: [bluegreen-vote, Backend_1.net]\n").networks());
        for (String bad : List.of("\"-vote\"", "\"a b\"", "\"a;rm -rf /\"", "\"net/1\"", "x".repeat(129))) {
            assertProblem(FULL + "networks: [" + bad + "]\n", "networks", "is not a Docker network name");
        }
        assertProblem(FULL + "networks: [host]\n", "networks", "'host' is Docker's host network, where a replica cannot publish");
        assertProblem(FULL + "networks: [none]\n", "networks", "'none' is Docker's none network");
        assertProblem(FULL + "networks: [a, b, a]\n", "networks", "'a' is named twice");
        assertProblem(FULL + "networks: bluegreen-vote\n", "networks", "expected a list");
        assertProblem(FULL + "networks: [ { name: a } ]\n", "networks", "expected a list of texts");
        assertProblem(FULL + "networks: [\"\"]\n", "networks", "expected a list of texts");
        assertProblem(FULL + "networks: [n1, n2, n3, n4, n5, n6, n7, n8, n9]\n", "networks", "at most 8 networks, got 9");
    }

    @Test
    public void imageAndTagFollowDockersRules() throws IOException {
        assertProblem(FULL.replace("image: 127.0.0.1:5000/vote", "image: 127.0.0.1:5000/Vote"), "image", "repository");
        assertProblem(FULL.replace("image: 127.0.0.1:5000/vote", "image: 127.0.0.1:5000/vote:v1"), "image", "no tag");
        assertProblem(FULL.replace("tag: v2", "tag: -v2"), "tag", "Docker tag");
        assertProblem(FULL.replace("tag: v2", "tag: 1.10"), "tag", "expected text");
        assertProblem(FULL.replace("tag: v2\n", ""), "tag", "is required");
    }

    @Test
    public void pathsMustExist() throws IOException {
        assertProblem(FULL.replace("context: ./app", "context: ./nope"), "build.context", "does not exist");
        assertProblem(FULL.replace("dockerfile: Dockerfile", "dockerfile: Missing"), "build.dockerfile", "does not exist");
        assertProblem(FULL.replace("dockerfile: Dockerfile", "dockerfile: ../../etc/passwd"), "build.dockerfile", "inside the build context");
        assertProblem(FULL.replace("configFile: nginx/nginx.conf", "configFile: nginx/none.conf"), "router.nginx.configFile", "does not exist");
        assertProblem(FULL.replace("nginx/upstreams/vote.conf", "nowhere/vote.conf"), "router.nginx.upstreamFile", "does not exist");
    }

    private static final String HAPROXY = FULL.replace("""
              type: nginx
              nginx: { mode: reload, upstreamFile: nginx/upstreams/vote.conf, configFile: nginx/nginx.conf }
            """, """
              type: haproxy
              drain: 45s
              haproxy: { socket: haproxy/admin.sock, backend: vote, backendFile: haproxy/backend.cfg }
            """).replace("verify: { window: 5s,", "verify: { window: 5s, maxFlipFailures: 0,");

    @Test
    public void readsTheHaproxyRouter() throws IOException {
        Files.createDirectories(dir.resolve("haproxy"));
        DeploymentSpec s = read(HAPROXY);
        assertEquals(RouterSpec.Type.HAPROXY, s.router().type());
        RouterSpec.Haproxy h = s.router().haproxy().orElseThrow();
        assertEquals(dir.resolve("haproxy/admin.sock").toString(), h.socket());
        assertEquals("vote", h.backend());
        assertEquals(dir.resolve("haproxy/backend.cfg"), h.backendFile());
        assertEquals(java.time.Duration.ofSeconds(45), s.router().drain());
        assertEquals(Optional.of(0), s.verify().maxFlipFailures());
        assertEquals("127.0.0.1:9999", read(HAPROXY.replace("socket: haproxy/admin.sock", "socket: 127.0.0.1:9999"))
                .router().haproxy().orElseThrow().socket());
        assertEquals(java.time.Duration.ofSeconds(30), read(FULL).router().drain());
        assertEquals(Optional.empty(), read(FULL).verify().maxFlipFailures());
    }

    @Test
    public void haproxyFieldsAreChecked() throws IOException {
        Files.createDirectories(dir.resolve("haproxy"));
        assertProblem(HAPROXY.replace("socket: haproxy/admin.sock, ", ""), "router.haproxy.socket", "is required");
        assertProblem(HAPROXY.replace("socket: haproxy/admin.sock", "socket: nowhere/admin.sock"), "router.haproxy.socket",
                "does not exist");
        assertProblem(HAPROXY.replace("socket: haproxy/admin.sock", "socket: 127.0.0.1:99999"), "router.haproxy.socket",
                "port must be from 1 to 65535");
        assertProblem(HAPROXY.replace("socket: haproxy/admin.sock", "socket: 'a b:c'"), "router.haproxy.socket",
                "neither host:port nor a unix socket path");
        assertProblem(HAPROXY.replace("backend: vote", "backend: 'vote; rm -rf /'"), "router.haproxy.backend",
                "not an HAProxy backend name");
        assertProblem(HAPROXY.replace("backend: vote, ", ""), "router.haproxy.backend", "is required");
        assertProblem(HAPROXY.replace("haproxy/backend.cfg", "nowhere/backend.cfg"), "router.haproxy.backendFile", "does not exist");
        assertProblem(HAPROXY.replace("backendFile: haproxy/backend.cfg", "backendFile: haproxy"),
                "router.haproxy.backendFile", "is a folder");
        assertProblem(HAPROXY.replace("backend: vote", "backend: vote, reload: true"), "router.haproxy.reload", "unknown field");
        assertProblem(HAPROXY.replace("drain: 45s", "drain: 11m"), "router.drain", "must be from 0s to 10m");
        assertProblem(HAPROXY.replace("maxFlipFailures: 0", "maxFlipFailures: -1"), "verify.maxFlipFailures", "must be from 0");
        assertProblem(HAPROXY.replace(" url: \"http://127.0.0.1:18080/\" ", " "), "verify.maxFlipFailures", "needs verify.url");
        assertProblem(FULL.replace("type: nginx", "type: none").replace("  nginx: {", "  haproxy: {"), "router.haproxy",
                "only allowed with router.type: haproxy");
    }

    @Test
    public void routerTypeIsChecked() throws IOException {
        assertProblem(FULL.replace("type: nginx", "type: traefik"), "router.type", "not a router type (nginx, haproxy, none)");
        assertProblem(FULL.replace("type: nginx", "type: haproxy"), "router.nginx", "only allowed with router.type: nginx");
        assertProblem(FULL.replace("type: nginx", "type: none"), "router.nginx", "only allowed");
        assertProblem(FULL.replace("  nginx: { mode: reload, upstreamFile: nginx/upstreams/vote.conf, configFile: nginx/nginx.conf }\n", ""),
                "router.nginx.upstreamFile", "is required");
    }

    @Test
    public void pushWithoutBuildIsRefused() throws IOException {
        assertProblem(FULL.replace("build: { context: ./app, dockerfile: Dockerfile, args: { COLOR: blue } }\n", ""),
                "push", "no 'build' section");
    }

    @Test
    public void reportsAllProblemsAtOnce() throws IOException {
        List<String> p = problems(FULL.replace("replicas: 2", "replicas: -1").replace("service: vote", "service: Vote"));
        assertEquals(p.toString(), 2, p.size());
    }

    @Test
    public void malformedYamlAndFilesAreClear() throws IOException {
        List<String> p = problems("service: [unclosed\n");
        assertTrue(p.toString(), p.get(0).contains("YAML error at line"));
        p = problems("- just\n- a list\n");
        assertTrue(p.toString(), p.get(0).contains("expected a mapping of fields"));
        p = problems("service: a\nservice: b\n");
        assertTrue(p.toString(), p.get(0).contains("duplicate key"));
        try {
            SpecReader.read(dir.resolve("missing.yml"), Map.of());
            fail();
        } catch (InvalidSpecException e) {
            assertTrue(e.getMessage().contains("does not exist"));
        }
    }

    @Test
    public void durationsParseAndFormat() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms").orElseThrow());
        assertEquals(Duration.ofHours(2), Durations.parse("2h").orElseThrow());
        assertEquals(Duration.ZERO, Durations.parse("0").orElseThrow());
        assertFalse(Durations.parse("1.5s").isPresent());
        assertFalse(Durations.parse("-1s").isPresent());
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("10m", Durations.format(Duration.ofMinutes(10)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @Test
    public void swarmTargetNamesItsManagerAndRefusesWhatOnlyEnginesUse() throws IOException {
        TargetSpec t = read(FULL + "target: { swarm: { host: \"unix:///run/swarm.sock\" }, memory: 64m, "
                + "constraints: [ \"node.labels.zone == a\" ] }\n").target();
        assertEquals(TargetSpec.Type.SWARM, t.type());
        assertEquals(new TargetSpec.Swarm("unix:///run/swarm.sock", null), t.swarm());
        assertEquals(List.of("node.labels.zone == a"), t.constraints());
        assertProblem(FULL + "target: { type: swarm }\n", "target.swarm", "is required with type: swarm");
        assertProblem(FULL + "target: { type: swarm, swarm: { host: \"unix:///s\" }, strategy: binpack }\n",
                "target.strategy", "Swarm's scheduler places the tasks");
        assertProblem(FULL + "target: { type: engines, swarm: { host: \"unix:///s\" } }\n", "target.swarm", "only applies to type: swarm");
        assertProblem(FULL + "target: { swarm: { host: \"ssh://m\" } }\n", "target.swarm.host", "is not unix:///path or tcp://host:port");
        assertProblem(FULL + "target: { swarm: { host: \"unix:///s\", nodes: 3 } }\n", "target.swarm.nodes", "unknown field");
    }

    @Test
    public void aTargetReachesRecordedReplicasOnlyOnTheSameEnginesOrManager() throws IOException {
        TargetSpec two = read(FULL + "target: { type: engines, engines: [ { name: e1, host: \"unix:///e1.sock\" },"
                + " { name: e2, host: \"unix:///e2.sock\" } ] }\n").target();
        TargetSpec one = read(FULL + "target: { type: engines, strategy: binpack, engines: [ { name: e1, host: \"unix:///e1.sock\" } ] }\n").target();
        TargetSpec swarm = read(FULL + "target: { swarm: { host: \"unix:///s.sock\" } }\n").target();
        assertTrue("an engine added to the list", two.reaches(one));
        assertFalse("an engine holding replicas dropped from the list", one.reaches(two));
        assertTrue(TargetSpec.LOCAL.reaches(TargetSpec.LOCAL));
        assertEquals("a state that records no target runs on the local engine", TargetSpec.LOCAL,
                io.bluegreen.core.engine.ServiceState.empty("s").runsOn());
        assertFalse(TargetSpec.LOCAL.reaches(one));
        assertFalse(one.reaches(TargetSpec.LOCAL));
        assertTrue(swarm.reaches(swarm));
        assertFalse(swarm.reaches(one));
    }

    @Test
    public void enginesAndSwarmShareTheHostAndCertPathRules() throws IOException {
        TargetSpec t = read(FULL + "target: { type: engines, engines: [ { name: e1, host: \"unix:///e1.sock\" } ] }\n").target();
        assertEquals(List.of(new TargetSpec.Engine("e1", "unix:///e1.sock", "127.0.0.1", Map.of(), null)), t.engines());
        assertProblem(FULL + "target: { type: engines, engines: [ { name: e1, host: \"unix:///e1.sock\", certPath: app } ] }\n",
                "target.engines[0].certPath", "only applies to tcp:// hosts");
        assertProblem(FULL + "target: { swarm: { host: \"unix:///s.sock\", certPath: app } }\n",
                "target.swarm.certPath", "only applies to tcp:// hosts");
    }

    @Test
    public void releaseControlIsReadAndRecordedAsWritten() throws IOException {
        DeploymentSpec s = read(FULL.replace("nginx/nginx.conf }", "nginx/nginx.conf, previewUpstreamFile: nginx/upstreams/p.conf }") + """
                preview: { url: "http://127.0.0.1:18081/" }
                promotion: { mode: manual, timeout: 2h, after: 10m }
                hooks:
                  prePromotion: [ { http: "http://127.0.0.1:18081/health", times: 5 }, { run: [./smoke.sh, --fast], timeout: 90s } ]
                  onFailure: [ { http: "http://127.0.0.1:9/hook" } ]
                """);
        assertTrue(s.promotion().manual());
        assertEquals("2h", s.promotion().timeout());
        assertEquals("10m", s.promotion().after());
        assertEquals(new HookSpec("http://127.0.0.1:18081/health", "GET", 200, 5, null, null, "10s"), s.hooks().prePromotion().get(0));
        assertEquals("a command's relative path is the spec folder's", new HookSpec(null, null, null, null, null,
                List.of(dir.resolve("smoke.sh").toString(), "--fast"), "90s"), s.hooks().prePromotion().get(1));
        assertEquals("an onFailure webhook posts what happened", "POST", s.hooks().onFailure().get(0).method());
        assertEquals(Path.of(dir.resolve("nginx/upstreams/p.conf").toString()), s.router().preview().orElseThrow().nginx().orElseThrow().upstreamFile());
        assertEquals("http://127.0.0.1:18081/", s.previewUrl().orElseThrow().toString());
        assertTrue("no promotion section: promoted at once", !read(FULL).promotion().manual() && read(FULL).router().preview().isEmpty());
    }

    @Test
    public void haproxyServerMaxconnIsOptionalAndBounded() throws IOException {
        Files.writeString(dir.resolve("backend.cfg"), "backend vote\n");
        String hap = FULL.replace("""
                router:
                  type: nginx
                  nginx: { mode: reload, upstreamFile: nginx/upstreams/vote.conf, configFile: nginx/nginx.conf }
                """, "router: { type: haproxy, haproxy: { socket: 127.0.0.1:9999, backend: vote, backendFile: backend.cfg%s } }\n");
        assertEquals(Optional.empty(), read(hap.formatted("")).router().haproxy().orElseThrow().serverMaxconn());
        assertEquals(Optional.of(8), read(hap.formatted(", serverMaxconn: 8")).router().haproxy().orElseThrow().serverMaxconn());
        assertProblem(hap.formatted(", serverMaxconn: 0"), "router.haproxy.serverMaxconn", "must be from 1 to 100000");
    }

    @Test
    public void stopIsDockersUnlessGivenAndItsSignalAndWholeSecondsAreChecked() throws IOException {
        assertEquals(StopSpec.DOCKER_DEFAULT, read(FULL).stop());
        StopSpec stop = read(FULL + "stop: { signal: SIGQUIT, timeout: 3s }\n").stop();
        assertEquals(Optional.of("SIGQUIT"), stop.signal());
        assertEquals(Duration.ofSeconds(3), stop.effectiveTimeout());
        assertEquals(Optional.of("15"), read(FULL + "stop: { signal: \"15\" }\n").stop().signal());
        assertEquals(Optional.of(Duration.ZERO), read(FULL + "stop: { timeout: 0s }\n").stop().timeout());
        assertProblem(FULL + "stop: { signal: \"TERM; rm -rf /\" }\n", "stop.signal", "is not a signal such as SIGTERM");
        assertProblem(FULL + "stop: { timeout: 1500ms }\n", "stop.timeout", "must be whole seconds");
        assertProblem(FULL + "stop: { timeout: 11m }\n", "stop.timeout", "must be from 0s to 10m");
        assertProblem(FULL + "stop: { grace: 3s }\n", "stop.grace", "unknown field");
    }

    @Test
    public void nginxRuntimeModeIsTheDefaultNeedsItsAdminSocketAndNeverTakesTheReloadModesFields() throws IOException {
        String runtime = FULL.replace("mode: reload, upstreamFile: nginx/upstreams/vote.conf, configFile: nginx/nginx.conf",
                "upstreamFile: nginx/upstreams/vote.servers, admin: nginx/admin.sock");
        RouterSpec r = read(runtime).router();
        assertEquals(new RouterSpec.Runtime(dir.resolve("nginx/admin.sock").toString()), r.nginx().orElseThrow().mode());
        assertTrue("canary steps shift weights in the Lua balancer", r.shiftsShares());
        assertEquals(java.util.List.of(new io.bluegreen.core.spec.PromotionSpec.Step(10, "30s")),
                read(runtime + "promotion: { steps: [ { weight: 10 } ] }\n").promotion().steps());
        assertProblem(runtime.replace(", admin: nginx/admin.sock", ""), "router.nginx.admin", "mode: reload");
        assertProblem(runtime.replace("admin: nginx/admin.sock", "admin: nginx/admin.sock, configFile: nginx/nginx.conf"),
                "router.nginx.configFile", "only with mode: reload");
        assertProblem(runtime.replace("admin: nginx/admin.sock", "admin: nowhere/admin.sock"), "router.nginx.admin", "does not exist");
        assertProblem(runtime.replace("admin: nginx/admin.sock", "admin: \"127.0.0.1:99999\""), "router.nginx.admin", "from 1 to 65535");
        assertProblem(runtime.replace("upstreamFile:", "mode: fast, upstreamFile:"), "router.nginx.mode", "not an nginx mode (runtime, reload)");
        assertProblem(FULL.replace("configFile: nginx/nginx.conf", "configFile: nginx/nginx.conf, admin: nginx/admin.sock"),
                "router.nginx.admin", "only with mode: runtime");
        assertEquals(new RouterSpec.Runtime(dir.resolve("nginx/admin.sock").toString()),
                read(runtime.replace("vote.servers", "vote.servers, previewUpstreamFile: nginx/upstreams/p.servers")).router()
                        .preview().orElseThrow().nginx().orElseThrow().mode());
    }

    @Test
    public void badReleaseControlIsRefusedNamingTheField() throws IOException {
        assertProblem(FULL + "promotion: { mode: later }\n", "promotion.mode", "is not a promotion mode");
        assertProblem(FULL + "promotion: { timeout: 10m, after: 1h }\n", "promotion.after", "is not before promotion.timeout");
        assertProblem(FULL + "promotion: { steps: [ { weight: 10 } ] }\n", "promotion.steps", "need router.type: haproxy, or nginx in mode: runtime");
        assertProblem(FULL + "promotion: { steps: [ { weight: 150 } ] }\n", "promotion.steps[0].weight", "must be from 1 to 99");
        assertProblem(FULL + "promotion: { colour: blue }\n", "promotion.colour", "unknown field");
        assertProblem(FULL + "hooks: { prePromotion: [ { http: \"http://x/\", run: [a] } ] }\n", "hooks.prePromotion[0].http", "exactly one");
        assertProblem(FULL + "hooks: { prePromotion: [ { http: \"ftp://x/\" } ] }\n", "hooks.prePromotion[0].http", "is not an http(s) URL");
        assertProblem(FULL + "hooks: { postPromotion: [ { http: \"http://x/\", method: DELETE } ] }\n", "hooks.postPromotion[0].method", "is not one of");
        assertProblem(FULL + "hooks: { onFailure: [ { run: [] } ] }\n", "hooks.onFailure[0].run", "must name a command");
        assertProblem(FULL + "hooks: { preDeploy: [] }\n", "hooks.preDeploy", "unknown field");
        assertProblem(FULL + "preview: { url: \"http://u:p@x/\" }\n", "preview.url", "no user:password");
        assertProblem(FULL.replace("nginx/nginx.conf }", "nginx/nginx.conf, previewUpstreamFile: nginx/upstreams/vote.conf }"),
                "router.nginx.previewUpstreamFile", "must not be the production upstreamFile");
    }

    @Test
    public void aHooksSecretsArePlaceholdersKeptAsWrittenAndAFilesRelativePathIsTheSpecFolders() throws IOException {
        DeploymentSpec s = read(FULL + """
                hooks:
                  onFailure:
                    - http: "https://hooks.example/services/T0/B0/{env:SLACK_KEY}?channel=ops&token={env:HOOK_TOKEN}"
                      headers: { Authorization: "Bearer {file:secrets/hook}", X-Api-Key: "{file:/run/secrets/key}", X-Team: ops }
                """);
        HookSpec hook = s.hooks().onFailure().get(0);
        assertEquals("https://hooks.example/services/T0/B0/{env:SLACK_KEY}?channel=ops&token={env:HOOK_TOKEN}", hook.http());
        assertEquals(Map.of("Authorization", "Bearer {file:" + dir.resolve("secrets/hook") + "}", "X-Api-Key",
                "{file:/run/secrets/key}", "X-Team", "ops"), hook.headers());
    }

    @Test
    public void aSecretWrittenOutInAHookIsRefusedNamingTheFieldAndHowToPassIt() throws IOException {
        String hook = FULL + "hooks: { prePromotion: [ { http: \"%s\"%s } ] }\n";
        String field = "hooks.prePromotion[0].http";
        for (String url : List.of("https://chat.example/hook?channel=ops&token=abc123", "https://x.example/h?Access_Token=abc123",
                "https://x.example/h?sig=abc123&v=1", "https://x.example/h?api_key={env:K}abc123")) {
            List<String> p = problems(hook.formatted(url, ""));
            assertTrue(url + ": " + p, p.stream().anyMatch(m -> m.startsWith(field + ": query parameter")
                    && m.contains("={env:HOOK_TOKEN}") && m.contains("Authorization: \"Bearer {env:HOOK_TOKEN}\"")));
            assertFalse("the secret is not repeated: " + p, p.toString().contains("abc123"));
        }
        assertProblem(hook.formatted("https://x.example/h", ", headers: { Authorization: \"Bearer abc123\" }"),
                "hooks.prePromotion[0].headers.Authorization", "{env:NAME}");
        for (String name : List.of("Cookie", "Proxy-Authorization", "X-Auth-Token", "X-Api-Key", "X-Secret")) {
            assertProblem(hook.formatted("https://x.example/h", ", headers: { " + name + ": abc123 }"),
                    "hooks.prePromotion[0].headers." + name, "holds a secret written out");
        }
        for (String name : List.of("Host", "content-length", "Transfer-Encoding", "Connection")) {
            assertProblem(hook.formatted("https://x.example/h", ", headers: { " + name + ": x }"),
                    "hooks.prePromotion[0].headers." + name, "is the HTTP client's to set");
        }
        assertProblem(hook.formatted("https://x.example/h", ", headers: { \"X Y\": x }"), "hooks.prePromotion[0].headers",
                "is not a header name");
        StringBuilder many = new StringBuilder(", headers: { ");
        for (int i = 0; i < 21; i++) {
            many.append("X-").append(i).append(": v, ");
        }
        assertProblem(hook.formatted("https://x.example/h", many + "X-Last: v }"), "hooks.prePromotion[0].headers",
                "at most 20 headers, got 22");
        assertProblem(FULL + "hooks: { prePromotion: [ { run: [a], headers: { X-A: b } } ] }\n", "hooks.prePromotion[0].headers",
                "unknown field");
    }

    @Test
    public void aPlaceholderStandsOnlyInAPathOrAQueryValueAndIsWellFormed() throws IOException {
        String hook = FULL + "hooks: { prePromotion: [ { http: \"%s\" } ] }\n";
        String field = "hooks.prePromotion[0].http";
        for (String url : List.of("https://{env:HOST}/h", "https://x.example:{env:PORT}/h", "https://x.example/h?{env:P}=1",
                "https://x.example/h#{env:F}")) {
            assertProblem(hook.formatted(url), field, "in the URL's path or in a query parameter's value only");
        }
        assertProblem(hook.formatted("https://x.example/{env:1X}"), field, "not a placeholder {env:NAME}");
        assertProblem(hook.formatted("https://x.example/{vault:x}"), field, "not a placeholder {env:NAME}");
        assertProblem(hook.formatted("https://x.example/{env:X"), field, "outside a placeholder");
        assertProblem(hook.formatted("https://u:abc123@x.example/"), field, "is not an http(s) URL");
        assertFalse(problems(hook.formatted("https://u:abc123@x.example/")).toString().contains("abc123"));
    }

    @Test
    public void theConsulAgentOfANodeIsAnHttpAddressWithAPort() throws IOException {
        TargetSpec t = read(FULL + "target: { type: engines, engines: [ { name: e1, host: \"unix:///e1.sock\", address: 127.0.0.1,"
                + " consul: \"http://127.0.0.1:8500\" } ] }\n").target();
        assertEquals("http://127.0.0.1:8500", t.engines().get(0).consul());
        assertEquals(Integer.valueOf(8500), read(FULL + "target: { swarm: { host: \"unix:///s.sock\", consulPort: 8500 } }\n")
                .target().swarm().consulPort());
        for (String bad : List.of("127.0.0.1:8500", "http://127.0.0.1", "ftp://a:1", "http://a:99999", "http://u:p@a:8500")) {
            assertProblem(FULL + "target: { type: engines, engines: [ { name: e1, host: \"unix:///e1.sock\", consul: \"" + bad
                    + "\" } ] }\n", "target.engines[0].consul", bad.equals("http://a:99999") ? "outside 1..65535" : "is not http(s)://ADDRESS:PORT");
        }
        assertProblem(FULL + "target: { swarm: { host: \"unix:///s.sock\", consulPort: 0 } }\n", "target.swarm.consulPort", "1 to 65535");
    }
}
