package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.it.ConsulDevAgent;
import io.bluegreen.core.it.NginxProxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Specs;
import io.bluegreen.core.it.Stack;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Consul itself calls the heal server: a per-test Consul dev agent whose own configuration holds the watch
 * that `bluegreen watch-config --http` printed; the example app deployed against that agent behind a real
 * nginx; one active replica killed with `docker kill`; the heal server replaces it.
 */
public class HealHttpWatchIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("hw");

    @Test
    public void aKilledActiveReplicaIsReplacedThroughTheAgentsOwnHttpWatch() throws Exception {
        String service = svc.name();
        NginxProxy nginx = svc.nginx();
        String secret = "w-" + UUID.randomUUID();
        Path secretFile = tmp.newFile("secret").toPath();
        Files.writeString(secretFile, secret + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun config = CliRun.run(Stack.env(), "", "watch-config", "-s", service, "--http", "http://127.0.0.1:" + port,
                "--secret-file", secretFile.toString());
        assertEquals(config.all(), 0, config.exit());
        JsonNode watch = JSON.readTree(config.out()).get("watches").get(0);
        assertEquals("checks", watch.get("type").asText());
        assertEquals("http", watch.get("handler_type").asText());
        assertEquals("http://127.0.0.1:" + port + "/v1/heal/" + service, watch.at("/http_handler_config/path").asText());
        Path configDir = tmp.newFolder("consul.d").toPath();
        Files.writeString(configDir.resolve("bluegreen-" + service + ".json"), config.out());

        try (ConsulDevAgent agent = ConsulDevAgent.start(configDir, tmp.getRoot().toPath().resolve("consul.log"))) {
            Map<String, String> env = new HashMap<>(Stack.env());
            env.put("CONSUL_HTTP_ADDR", agent.address());
            CliRun deploy = CliRun.run(env, "", "deploy", "-f",
                    Specs.write(tmp.getRoot().toPath(), service, "v1", nginx, "10m", null).toString());
            assertEquals(deploy.all(), 0, deploy.exit());
            try (CliRun server = CliRun.background(env, "listening on", "heal-server", "--listen", "127.0.0.1:" + port,
                    "-s", service, "--secret-file", secretFile.toString(), "--grace", "1s")) {
                List<String> before = blueReplicas(agent, service);
                assertEquals(2, before.size());
                String victim = before.get(0);
                Process kill = new ProcessBuilder("docker", "kill", victim).redirectErrorStream(true).start();
                assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0);

                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                List<String> after = before;
                while (System.nanoTime() < end) {
                    after = blueReplicas(agent, service);
                    // The state names the replacement before the server has retired the dead one and said so.
                    if (!after.contains(victim) && after.size() == 2 && allPass(agent, service, after)
                            && server.out().contains("healed (replace)")) {
                        break;
                    }
                    Thread.sleep(250);
                }
                assertFalse(server.out(), after.contains(victim));
                assertEquals(server.out(), 2, after.size());
                assertTrue(server.out(), allPass(agent, service, after));
                for (int i = 0; i < 10; i++) {
                    assertEquals(200, Stack.get(nginx.url()).status());
                }
                // Consul's watch, not only the reconcile loop, told the server about the dead replica.
                assertTrue(server.out(), server.out().matches("(?s).*POST /v1/heal/" + service
                        + " from 127\\.0\\.0\\.1 -> 202 index \\d+, checks payload, 1 critical.*"));
                assertTrue(server.out(), server.out().contains("healed (replace)"));
                assertFalse(server.all().contains(secret));
            }
        }
    }

    private static List<String> blueReplicas(ConsulDevAgent agent, String service) throws Exception {
        String state = Stack.get(agent.url() + "/v1/kv/bluegreen/" + service + "/state?raw=true").body();
        List<String> ids = new ArrayList<>();
        JSON.readTree(state).at("/body/colors/blue/replicaIds").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static boolean allPass(ConsulDevAgent agent, String service, List<String> ids) throws Exception {
        JsonNode health = JSON.readTree(Stack.get(agent.url() + "/v1/health/service/" + service).body());
        int passing = 0;
        for (JsonNode e : health) {
            boolean ok = true;
            for (JsonNode c : e.get("Checks")) {
                ok &= c.get("Status").asText().equals("passing");
            }
            passing += ids.contains(e.at("/Service/ID").asText()) && ok ? 1 : 0;
        }
        return passing == ids.size();
    }
}
