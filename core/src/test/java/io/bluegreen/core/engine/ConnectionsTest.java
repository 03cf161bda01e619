package io.bluegreen.core.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.bluegreen.core.spec.InvalidSpecException;
import java.util.Map;
import org.junit.Test;

public class ConnectionsTest {
    @Test
    public void defaultsAreTheLocalDockerSocketAndConsulAgent() {
        Connections c = Connections.fromEnvironment(Map.of("HOME", "/home/u"));
        assertEquals("unix:///var/run/docker.sock", c.dockerHost());
        assertEquals("http://127.0.0.1:8500", c.consul().toString());
        assertFalse(c.consulToken().isPresent());
        assertEquals("/home/u/.docker", c.dockerConfig().toString());
    }

    @Test
    public void readsTheEcosystemsOwnVariables() {
        Connections c = Connections.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2376",
                "CONSUL_HTTP_ADDR", "https://consul.internal:8501", "CONSUL_HTTP_TOKEN", "s3cr3t-token",
                "REGISTRY_USERNAME", "ci", "REGISTRY_PASSWORD", "hunter22", "DOCKER_CONFIG", "/etc/docker-ci"));
        assertEquals("https://consul.internal:8501", c.consul().toString());
        assertEquals("/etc/docker-ci", c.dockerConfig().toString());
        assertEquals("ci", c.registryUsername().orElseThrow());
        assertEquals("****", c.registryPassword().orElseThrow().toString());
        assertTrue(c.secrets().contains("hunter22") && c.secrets().contains("s3cr3t-token"));
        assertFalse("a record's toString must not show secrets", c.toString().contains("hunter22") || c.toString().contains("s3cr3t"));
    }

    @Test
    public void theActorIsBluegreenActorElseTheUserAtTheHost() {
        assertEquals(new Actor("alice@build-7"), Connections.fromEnvironment(Map.of("USER", "alice", "HOSTNAME", "build-7")).actor());
        assertEquals(new Actor("jenkins https://ci/job/vote/12/ by bob"), Connections.fromEnvironment(Map.of("USER", "alice",
                "BLUEGREEN_ACTOR", "jenkins https://ci/job/vote/12/ by bob")).actor());
        for (String bad : new String[] {"two\nlines", "x".repeat(201), "be\u0007ll"}) {
            try {
                Connections.fromEnvironment(Map.of("BLUEGREEN_ACTOR", bad));
                fail(bad);
            } catch (InvalidSpecException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("BLUEGREEN_ACTOR: must be 1 to 200 characters on one line"));
            }
        }
        assertEquals("heal worker in alice@build-7", new Actor("alice@build-7").acting("heal worker").name());
    }

    @Test
    public void badValuesAreNamed() {
        for (Map<String, String> env : new Map[] {Map.of("CONSUL_HTTP_ADDR", "ftp://x"), Map.of("DOCKER_HOST", "npipe:////./pipe"),
                Map.of("REGISTRY_USERNAME", "only-user"), Map.of("CONSUL_HTTP_ADDR", "http://u:p@host:8500")}) {
            try {
                Connections.fromEnvironment(env);
                fail(env.toString());
            } catch (InvalidSpecException e) {
                assertTrue(e.getMessage(), e.getMessage().contains(env.keySet().iterator().next()));
                assertFalse("the message must not echo a password", e.getMessage().contains("u:p@"));
            }
        }
    }

    @Test
    public void redactorHidesEverySecret() {
        Redactor r = new Redactor(java.util.List.of("hunter22", "ab"));
        assertEquals("login ci:**** failed", r.redact("login ci:hunter22 failed"));
        assertEquals("short values like ab are not secrets worth mangling text for", 
                r.redact("short values like ab are not secrets worth mangling text for"));
    }
}
