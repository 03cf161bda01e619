package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * nginx's runtime mode on the real parts: the Lua balancer of scripts/nginx/bluegreen_router.lua in a real nginx
 * started by scripts/nginx-proxy.sh, flipped through its admin socket with no reload (its canary steps under an analysis:
 * AnalysisIntegrationTest).
 */
public class NginxRuntimeIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("ngr");
    private final Systems sys = Stack.shared().systems();
    private final List<DeployEvent> events = new CopyOnWriteArrayList<>();
    private NginxProxy nginx;

    @Before
    public void proxy() throws Exception {
        nginx = svc.nginx();
    }

    private DeploymentSpec spec(String tag, String extra) throws Exception {
        return SpecReader.read(write(tag, extra), Map.of());
    }

    private Path write(String tag, String extra) throws Exception {
        return Specs.write(tmp.getRoot().toPath(), svc.name(), tag, null, "10m",
                nginx.routerYaml() + "verify: { window: 1s }\n" + extra);
    }

    private DeployResult deploy(DeploymentSpec spec) {
        return new Deployer(sys, events::add).deploy(spec);
    }

    private String page() {
        return Stack.get(nginx.url()).body();
    }

    /** curl on the admin socket: the status line's code and the body. */
    private Stack.Response admin(String method, String path, String body) throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "-m", "5", "-o", "-", "-w", "\n%{http_code}", "--unix-socket", nginx.admin,
                "-X", method, "--data-binary", "@-", "http://admin" + path).redirectErrorStream(true).start();
        p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        int nl = out.lastIndexOf('\n');
        return new Stack.Response(Integer.parseInt(out.substring(nl + 1).strip()), out.substring(0, nl));
    }

    private String served() throws Exception {
        Stack.Response r = admin("GET", "/upstreams/" + svc.name(), "");
        assertEquals(r.body(), 200, r.status());
        return r.body();
    }

    @Test
    public void flipsUnderLoadDropNothingAndARestartedNginxServesTheCommittedColor() throws Exception {
        deploy(spec("v1", ""));
        try (LoadProbe load = LoadProbe.start(nginx.url())) {
            Thread.sleep(500);
            assertEquals("green", deploy(spec("v2", "")).color());
            assertTrue(page().contains("version <b id=\"version\">v2"));
            Thread.sleep(300);
            load.close();
            assertEquals("no request lost in a flip without a reload: " + load.summary(), 0,
                    load.serverErrors() + load.connectionErrors());
            assertTrue(load.summary(), load.ok() > 20);
        }
        String route = served();
        assertEquals("the servers file nginx loads at start is what it serves", route, Files.readString(nginx.upstreamFile));
        List<String> green = sys.store().readState(svc.name()).value().color(io.bluegreen.core.engine.Color.GREEN)
                .orElseThrow().endpoints();
        green.forEach(e -> assertTrue(route, route.contains("server " + e + " weight=1")));

        // nginx stopped and started again (its dictionary is gone): it loads the committed route from the servers file.
        ProxyScript.run("nginx", "stop", nginx.name);
        ProxyScript.start("nginx", Map.of("BLUEGREEN_NGINX_MODE", "runtime"), nginx.name, nginx.port, 0, "admin");
        assertTrue(page().contains("version <b id=\"version\">v2"));
        assertEquals(route, served());
        io.bluegreen.core.engine.ServiceState state = sys.store().readState(svc.name()).value();
        assertEquals("green", state.active());

        // and the next flip goes through the new nginx's admin socket
        new io.bluegreen.core.engine.StandbyRollback(sys, events::add).rollback(svc.name());
        assertTrue(page().contains("version <b id=\"version\">v1"));
        assertEquals(null, new io.bluegreen.core.engine.StatusReader(sys).read(svc.name()).trafficDisagrees());

        // A servers file older than the state (written back by hand, a restored backup) loaded by a restarted nginx:
        // status says what nginx serves against what the state says is active.
        Files.writeString(nginx.upstreamFile, route);
        ProxyScript.run("nginx", "stop", nginx.name);
        ProxyScript.start("nginx", Map.of("BLUEGREEN_NGINX_MODE", "runtime"), nginx.name, nginx.port, 0, "admin");
        assertTrue(page().contains("version <b id=\"version\">v2"));
        String disagrees = new io.bluegreen.core.engine.StatusReader(sys).read(svc.name()).trafficDisagrees();
        assertTrue(disagrees, disagrees != null && disagrees.contains("not the active color blue")
                && green.stream().allMatch(disagrees::contains));
    }

    @Test
    public void theAdminServerRefusesAWrongWriteAndIsNotReachableFromThePublicListener() throws Exception {
        deploy(spec("v1", ""));
        String before = served();
        String up = "upstream " + svc.name() + "\n";
        for (String bad : List.of(up + "server 127.0.0.1:80; include /etc/passwd weight=1\n", up + "server 127.0.0.1:0 weight=1\n",
                up + "server example.org:80 weight=1\n", up + "server 127.0.0.1:80 weight=0\n", "upstream other\n",
                up + "server 127.0.0.1:80 weight=1\nserver 127.0.0.1:80 weight=1\n", "", "x".repeat(70_000))) {
            Stack.Response r = admin("PUT", "/upstreams/" + svc.name(), bad);
            assertTrue(r.status() + " " + r.body(), r.status() == 400 || r.status() == 413);
            assertEquals(before, served());
        }
        assertEquals(404, admin("PUT", "/upstreams/nothing-here", "upstream nothing-here\n").status());
        assertEquals(404, admin("GET", "/config", "").status());
        assertTrue(page().contains("version <b id=\"version\">v1"));

        // The public listener proxies everything to the app: the admin paths are the app's (its 404), never nginx's.
        Stack.Response pub = Stack.get(nginx.url() + "upstreams/" + svc.name());
        assertFalse(pub.body(), pub.body().contains("upstream " + svc.name()));
        Stack.Response metrics = Stack.get("http://" + nginx.metrics + "/upstreams");
        assertEquals("the metrics listener serves /metrics only", 404, metrics.status());
        assertTrue(Stack.get("http://" + nginx.metrics + "/metrics").body()
                .contains("bluegreen_nginx_upstream_responses_total{upstream=\"" + svc.name() + "\",code=\"2xx\"}"));
    }

    /** What a drain waits on: the balancer counts each server's requests until nginx logs them. */
    @Test
    public void theBalancerCountsTheRequestsInFlightToEachServer() throws Exception {
        deploy(spec("v1", ""));
        io.bluegreen.core.engine.ServiceState state = sys.store().readState(svc.name()).value();
        List<io.bluegreen.core.engine.Endpoint> blue = state.color(io.bluegreen.core.engine.Color.BLUE).orElseThrow()
                .endpoints().stream().map(io.bluegreen.core.engine.Endpoint::parse).toList();
        io.bluegreen.core.engine.port.TrafficRouter router = sys.routerFor().apply(state.router());
        for (io.bluegreen.core.engine.Endpoint e : blue) {
            assertEquals(200, Stack.post("http://" + e + "/cgi-bin/slowdown?2", "").status());
        }
        assertEquals(0, router.inFlight(blue));
        Thread slow = new Thread(() -> Stack.get(nginx.url()));
        slow.start();
        long end = System.nanoTime() + 1_500_000_000L;
        int seen = 0;
        while (seen == 0 && System.nanoTime() < end) {
            seen = router.inFlight(blue);
            Thread.sleep(20);
        }
        assertEquals("the slow request, counted while it runs", 1, seen);
        slow.join(10_000);
        assertEquals("and no more once nginx logged it", 0, router.inFlight(blue));
    }

    @Test
    public void aSpecWhoseServersFileNginxDoesNotLoadIsRefusedBeforeAnythingStarts() throws Exception {
        Path other = tmp.getRoot().toPath().resolve("other.servers");
        Path f = write("v1", "");
        Files.writeString(f, Files.readString(f).replace(nginx.upstreamFile.toString(), other.toString()));
        SystemUnreachableException e = assertThrows(SystemUnreachableException.class,
                () -> deploy(SpecReader.read(f, Map.of())));
        assertTrue(e.getMessage(), e.getMessage().contains("loads no upstream from " + other));
        assertTrue("nothing recorded", Stack.shared().history(svc.name(), 10).isEmpty());
        assertEquals(null, sys.store().readState(svc.name()).value().active());
    }
}
