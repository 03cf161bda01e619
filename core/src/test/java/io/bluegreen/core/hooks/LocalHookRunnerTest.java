package io.bluegreen.core.hooks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.HookException;
import io.bluegreen.core.spec.HookSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A hook's placeholders against a loopback server: filled in only as the hook runs, encoded where they go into the URL,
 * and never in what the runner says, whatever went wrong.
 */
public class LocalHookRunnerTest {
    private static final String ENV_SECRET = "env-s3cr3t&x=1";
    private static final String FILE_SECRET = "file-s3cr3t";
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final Map<String, String> env = new HashMap<>(Map.of("SLACK_PATH", "T0 B0/xyz", "HOOK_TOKEN", ENV_SECRET));
    private final Redactor redactor = new Redactor(List.of());
    private final LocalHookRunner runner = new LocalHookRunner(redactor, env::get);
    /** What the server saw of each request: its raw path and query, and its Authorization header. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private int status = 200;

    @Before
    public void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @After
    public void stop() {
        server.stop(0);
    }

    private HookSpec hook(String pathAndQuery, Map<String, String> headers) {
        return new HookSpec("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery, "GET", 200, 1, headers, null,
                "5s");
    }

    private HookSpec slack() throws IOException {
        Path token = Files.writeString(tmp.getRoot().toPath().resolve("hook-token"), FILE_SECRET + "\n");
        return hook("/services/{env:SLACK_PATH}?channel=ops&token={env:HOOK_TOKEN}",
                Map.of("Authorization", "Bearer {file:" + token + "}"));
    }

    private String failure(HookSpec hook) {
        String m = assertThrows(HookException.class, () -> runner.run(hook, Map.of(), EventSink.NONE)).getMessage();
        for (String secret : List.of(ENV_SECRET, FILE_SECRET, "X-Evil")) {
            assertFalse("no value in " + m, m.contains(secret));
        }
        return m;
    }

    @Test
    public void placeholdersAreFilledInAsTheHookRunsEncodedInTheUrlAndRedactedFromThenOn() throws IOException {
        HookSpec hook = slack();
        String line = runner.run(hook, Map.of(), EventSink.NONE);

        assertEquals(List.of("/services/T0%20B0%2Fxyz?channel=ops&token=env-s3cr3t%26x%3D1 Bearer " + FILE_SECRET), received);
        assertEquals("GET http://127.0.0.1:" + server.getAddress().getPort() + "/services/{env:SLACK_PATH}?... (expect 200,"
                + " headers Authorization): 1 of 1 answered 200", line);
        assertEquals("the values and their encoded form are known to the redactor", "a **** b **** c ****",
                redactor.redact("a " + ENV_SECRET + " b env-s3cr3t%26x%3D1 c " + FILE_SECRET));
    }

    @Test
    public void whatCannotBeFilledInFailsTheHookNamingTheVariableOrFileNeverAValue() throws IOException {
        HookSpec hook = slack();
        env.remove("HOOK_TOKEN");
        String m = failure(hook);
        assertTrue(m, m.contains("{env:HOOK_TOKEN}: environment variable HOOK_TOKEN is not set"));
        Path missing = tmp.getRoot().toPath().resolve("no-such-file");
        m = failure(hook("/h", Map.of("X-Api-Key", "{file:" + missing + "}")));
        assertTrue(m, m.contains("cannot read file " + missing + " (NoSuchFileException)"));
        env.put("HOOK_TOKEN", ENV_SECRET + "\r\nX-Evil: 1");
        m = failure(hook("/h", Map.of("Authorization", "Bearer {env:HOOK_TOKEN}")));
        assertTrue(m, m.contains("{env:HOOK_TOKEN} holds a line break or another control character, which header"
                + " Authorization cannot carry"));
        assertEquals("no request went out with a value missing", List.of(), received);
    }

    @Test
    public void aFailingHooksReasonAndACommandsOutputDoNotShowAValue() throws IOException {
        status = 500;
        assertTrue(failure(slack()).endsWith(": request 1 of 1 answered 500"));
        List<String> output = new CopyOnWriteArrayList<>();
        HookSpec echo = new HookSpec(null, null, null, null, null, List.of("sh", "-c", "echo got " + FILE_SECRET + "; exit 3"),
                "5s");
        String m = assertThrows(HookException.class, () -> runner.run(echo, Map.of(), output::add)).getMessage();
        assertTrue(m, m.endsWith("exit 3 (last output: got ****)"));
        assertEquals("its lines, redacted by the caller", List.of("got ****"), output.stream().map(redactor::redact).toList());
    }
}
