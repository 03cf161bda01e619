package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Specs;
import io.bluegreen.core.it.Stack;
import io.bluegreen.core.it.StubJenkins;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Jenkins as the corrective action, on the real stack: a killed replica makes `heal` and `heal-server` hand
 * the heal to a Jenkins job once per incident, however often the watch fires. Jenkins cannot run here, so
 * {@link StubJenkins} speaks its remote API; Docker, Consul and nginx are the real ones.
 */
public class JenkinsHealIntegrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("jh");
    private final BlueGreen bg = Stack.shared();

    @Test
    public void aKilledReplicaTriggersTheJenkinsJobOncePerIncident() throws Exception {
        String service = svc.name();
        CliRun deploy = CliRun.run(Stack.env(), "", "deploy", "-f",
                Specs.write(tmp.getRoot().toPath(), service, "v1", svc.nginx(), "10m", null).toString());
        assertEquals(deploy.all(), 0, deploy.exit());
        String token = "jt-" + UUID.randomUUID();
        Map<String, String> env = new HashMap<>(Stack.env());
        env.put("JENKINS_USER", "heal-bot");
        env.put("JENKINS_API_TOKEN", token);
        env.put("BLUEGREEN_HEAL_SECRET", "hs-" + UUID.randomUUID());
        try (StubJenkins jenkins = new StubJenkins("/job/ops/job/heal-" + service, "heal-bot", token, true)) {
            String[] jenkinsFlags = {"--jenkins-url", jenkins.url(), "--jenkins-job", "ops/heal-" + service, "--grace", "0s"};
            String victim = bg.systems().registry().instances(service).get(0).id();
            Process kill = new ProcessBuilder("docker", "kill", victim).redirectErrorStream(true).start();
            assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0);
            awaitCritical(service, victim);

            CliRun first = heal(env, service, jenkinsFlags);
            assertEquals(first.all(), 0, first.exit());
            assertTrue(first.out(), first.out().contains("handed-off (replace)") && first.out().contains("queued"));
            CliRun second = heal(env, service, jenkinsFlags);
            assertEquals(second.all(), 0, second.exit());
            assertTrue(second.out(), second.out().contains("skipped") && second.out().contains("already handled this incident"));
            String[] serverArgs = {"heal-server", "--listen", "127.0.0.1:0", "-s", service};
            String serverOut;
            try (CliRun server = CliRun.background(env, "listening on", concat(serverArgs, jenkinsFlags))) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!server.out().contains("heal " + service + " (reconcile)") && System.nanoTime() < end) {
                    Thread.sleep(100);
                }
                serverOut = server.out();
            }
            assertTrue(serverOut, serverOut.contains("heal " + service + " (reconcile): skipped"));

            List<StubJenkins.Build> builds = jenkins.builds();
            assertEquals("one trigger per incident: " + builds, 1, builds.size());
            StubJenkins.Build b = builds.get(0);
            assertEquals(service, b.params().get("SERVICE"));
            assertEquals("replace", b.params().get("ACTION"));
            assertTrue(b.params().get("REASON"), b.params().get("REASON").contains(victim));
            assertEquals(StubJenkins.CRUMB, b.crumb());
            assertEquals("Basic " + Base64.getEncoder().encodeToString(("heal-bot:" + token).getBytes(StandardCharsets.UTF_8)),
                    b.authorization());
            String kv = Stack.kvDecoded(service);
            assertTrue("the state was read back decoded: " + kv, kv.contains("bluegreen/" + service + "/state = {"));
            for (String text : List.of(first.all(), second.all(), serverOut, kv)) {
                assertFalse("the Jenkins token leaked", text.contains(token));
            }
            CliRun history = CliRun.run(Stack.env(), "", "history", "-s", service);
            assertTrue(history.out(), history.out().contains("handed-off"));
        }
    }

    private CliRun heal(Map<String, String> env, String service, String[] flags) throws InterruptedException {
        return CliRun.run(env, "[]", concat(new String[] {"heal", "-s", service}, flags));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void awaitCritical(String service, String id) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (bg.systems().registry().instances(service).stream()
                    .anyMatch(i -> i.id().equals(id) && i.health() == Instance.Health.CRITICAL)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(id + " did not turn critical within 20 s");
    }
}
