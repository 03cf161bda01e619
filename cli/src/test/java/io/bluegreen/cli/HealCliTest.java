package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** `watch-config` output and the input checks of `heal-server`, `heal` and `watch-config`: no system is contacted. */
public class HealCliTest {
    private static final String SECRET = "0123456789abcdef-secret";
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static CliRun run(Map<String, String> env, String... args) throws InterruptedException {
        Map<String, String> e = new HashMap<>(env);
        e.put("CONSUL_HTTP_ADDR", "127.0.0.1:1"); // nothing may be contacted before the input is valid
        return CliRun.run(e, "[]", args);
    }

    @Test
    public void watchConfigPrintsAReadyChecksWatchForEitherHandler() throws Exception {
        CliRun http = run(Map.of("BLUEGREEN_HEAL_SECRET", SECRET), "watch-config", "-s", "vote", "--http", "http://127.0.0.1:8765/");
        assertEquals(http.all(), 0, http.exit());
        JsonNode w = new ObjectMapper().readTree(http.out()).get("watches").get(0);
        assertEquals("checks", w.get("type").asText());
        assertEquals("vote", w.get("service").asText());
        assertEquals("http", w.get("handler_type").asText());
        assertEquals("http://127.0.0.1:8765/v1/heal/vote", w.at("/http_handler_config/path").asText());
        assertEquals("POST", w.at("/http_handler_config/method").asText());
        assertEquals(SECRET, w.at("/http_handler_config/header/X-Bluegreen-Token/0").asText());
        assertFalse("the secret goes only to stdout", http.err().contains(SECRET));
        Path f = tmp.newFile().toPath();
        Files.writeString(f, SECRET + "\n");
        CliRun withPath = run(Map.of(), "watch-config", "-s", "vote", "--http", "https://heal.example/hooks/vote",
                "--secret-file", f.toString());
        assertEquals(withPath.all(), 0, withPath.exit());
        assertTrue(withPath.out(), withPath.out().contains("\"https://heal.example/hooks/vote\""));

        CliRun script = run(Map.of(), "watch-config", "-s", "vote", "--script");
        assertEquals(script.all(), 0, script.exit());
        JsonNode s = new ObjectMapper().readTree(script.out()).get("watches").get(0);
        assertEquals("script", s.get("handler_type").asText());
        assertTrue(s.toString(), s.get("args").get(0).asText().endsWith("/bin/bluegreen")
                && Path.of(s.get("args").get(0).asText()).isAbsolute());
        assertEquals(List.of("heal", "-s", "vote"), List.of(s.get("args").get(1).asText(), s.get("args").get(2).asText(),
                s.get("args").get(3).asText()));
    }

    @Test
    public void watchConfigWritesItsOutputFileReadableByItsOwnerOnlyFromTheFirstByte() throws Exception {
        Path target = tmp.getRoot().toPath().resolve("bluegreen-vote.json");
        Files.writeString(target, "an older configuration");
        Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CliRun http = run(Map.of("BLUEGREEN_HEAL_SECRET", SECRET), "watch-config", "-s", "vote", "--http",
                "http://127.0.0.1:8765/", "--output", target.toString());
        assertEquals(http.all(), 0, http.exit());
        assertEquals("", http.out());
        assertFalse(http.err().contains(SECRET));
        assertTrue(http.err(), http.err().contains("wrote " + target + " (mode 0600)"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals(SECRET, new ObjectMapper().readTree(Files.readString(target))
                .at("/watches/0/http_handler_config/header/X-Bluegreen-Token/0").asText());
        try (var left = Files.list(tmp.getRoot().toPath())) {
            assertEquals("no temporary file left beside it", List.of(target), left.toList());
        }
        CliRun noFolder = run(Map.of("BLUEGREEN_HEAL_SECRET", SECRET), "watch-config", "-s", "vote", "--script",
                "--output", tmp.getRoot().toPath().resolve("missing/x.json").toString());
        assertEquals(noFolder.all(), 2, noFolder.exit());
        assertTrue(noFolder.err(), noFolder.err().contains("--output: the folder of"));
    }

    @Test
    public void badInputExitsTwoNamingTheFlagOrVariableAndNeverEchoesTheSecret() throws Exception {
        Map<String, String> ok = Map.of("BLUEGREEN_HEAL_SECRET", SECRET);
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("--service", new String[] {"watch-config", "-s", "Bad_Name", "--script"});
        cases.put("--http", new String[] {"watch-config", "-s", "vote", "--http", "ftp://host"});
        cases.put("BLUEGREEN_HEAL_SECRET", new String[] {"watch-config", "-s", "vote", "--http", "http://127.0.0.1:1"});
        cases.put("--listen", new String[] {"heal-server", "--listen", "127.0.0.1:99999", "-s", "vote"});
        cases.put("--listen:", new String[] {"heal-server", "--listen", "0.0.0.0:0", "-s", "vote"});
        cases.put("--service:", new String[] {"heal-server", "--listen", "127.0.0.1:0", "-s", "vote", "-s", "../x"});
        cases.put("--jenkins-url", new String[] {"heal-server", "--listen", "127.0.0.1:0", "-s", "vote",
            "--jenkins-url", "http://u:pw@jenkins", "--jenkins-job", "heal"});
        cases.put("--jenkins-job", new String[] {"heal", "-s", "vote", "--jenkins-url", "http://127.0.0.1:8080", "--jenkins-job", "a/../b"});
        cases.put("--jenkins-job:", new String[] {"heal", "-s", "vote", "--jenkins-url", "http://127.0.0.1:8080"});
        cases.put("--max-heals", new String[] {"heal-server", "--listen", "127.0.0.1:0", "-s", "vote", "--max-heals", "0"});
        cases.put("--prometheus", new String[] {"heal-server", "--listen", "127.0.0.1:0", "-s", "vote", "--prometheus", "127.0.0.1:9090"});
        cases.put("--trends", new String[] {"heal-server", "--listen", "127.0.0.1:0", "-s", "vote", "--trends"});
        cases.put("--trend-ratio", new String[] {"heal-server", "--listen", "127.0.0.1:0", "-s", "vote", "--trends",
            "--prometheus", "http://127.0.0.1:9090", "--trend-ratio", "1"});
        cases.put("--trend-interval", new String[] {"heal-server", "--listen", "127.0.0.1:0", "-s", "vote", "--trends",
            "--prometheus", "http://127.0.0.1:9090", "--trend-interval", "10ms"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Map<String, String> env = c.getKey().equals("BLUEGREEN_HEAL_SECRET") ? Map.of() : ok;
            CliRun r = run(env, c.getValue());
            assertEquals(c.getKey() + ": " + r.all(), 2, r.exit());
            assertTrue(c.getKey() + " named in: " + r.err(), r.err().contains(c.getKey()));
            assertFalse(r.all().contains(SECRET));
        }
        CliRun shortSecret = run(Map.of("BLUEGREEN_HEAL_SECRET", "tooshort"), "heal-server", "--listen", "127.0.0.1:0", "-s", "vote");
        assertEquals(2, shortSecret.exit());
        assertTrue(shortSecret.err(), shortSecret.err().contains("BLUEGREEN_HEAL_SECRET") && !shortSecret.err().contains("tooshort"));
        CliRun noFile = run(ok, "heal-server", "--listen", "127.0.0.1:0", "-s", "vote", "--secret-file", "/nonexistent/secret");
        assertEquals(2, noFile.exit());
        assertTrue(noFile.err(), noFile.err().contains("--secret-file"));
        Map<String, String> half = new HashMap<>(ok);
        half.put("JENKINS_USER", "bot");
        CliRun halfCreds = run(half, "heal", "-s", "vote", "--jenkins-url", "http://127.0.0.1:8080", "--jenkins-job", "heal");
        assertEquals(2, halfCreds.exit());
        assertTrue(halfCreds.err(), halfCreds.err().contains("JENKINS_API_TOKEN"));
        assertEquals(2, run(ok, "watch-config", "-s", "vote", "--script", "--http", "http://127.0.0.1:1").exit());
    }
}
