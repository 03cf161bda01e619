package io.bluegreen.core.it;

import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.Systems;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The real stack the integration tests run against: the Docker engine, registry and Consul agent that
 * {@code scripts/stack.sh up} started (scripts/test.sh runs it first). A missing part fails the test
 * with that instruction instead of skipping it.
 */
public final class Stack {
    public static final Path ROOT = findRoot();
    public static final String REGISTRY = "127.0.0.1:5000";
    /** The data collector scripts/stack.sh starts; it scrapes every target file in <state>/prometheus/targets. */
    public static final String PROMETHEUS = "http://127.0.0.1:9090";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Stack() {
    }

    private static Path findRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/vote"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the project root (examples/vote) above " + System.getProperty("user.dir"));
        }
        return p;
    }

    /**
     * The test JVM's environment, without registry credentials; the stack's state key (scripts/stack.sh up makes it)
     * signs the saved state unless the environment names one, as bin/bluegreen does.
     */
    public static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("REGISTRY_USERNAME");
        env.remove("REGISTRY_PASSWORD");
        Path key = Path.of(System.getenv().getOrDefault("BLUEGREEN_STACK_DIR", ROOT.resolve(".stack").toString()), "state.key");
        if (!env.containsKey("BLUEGREEN_STATE_KEY") && !env.containsKey("BLUEGREEN_STATE_KEY_FILE") && Files.isReadable(key)) {
            env.put("BLUEGREEN_STATE_KEY_FILE", key.toString());
        }
        return env;
    }

    public static Connections connections() {
        return Connections.fromEnvironment(env());
    }

    private static BlueGreen shared;

    /** One connection for the whole test JVM (connected on first use). */
    public static synchronized BlueGreen shared() {
        if (shared == null) {
            shared = connect();
        }
        return shared;
    }

    /** Connects, after checking every part answers (fails with the command that starts them). */
    private static BlueGreen connect() {
        BlueGreen bg = BlueGreen.connect(connections());
        try {
            bg.systems().cluster().ping();
            bg.systems().store().ping();
            bg.systems().images().pingRegistry(REGISTRY + "/x");
        } catch (RuntimeException e) {
            fail("the local stack is not running (" + e.getMessage() + "): run scripts/stack.sh up, or scripts/test.sh");
        }
        if (!Files.isRegularFile(ROOT.resolve("examples/vote/busybox"))) {
            fail("examples/vote/busybox is missing: scripts/stack.sh up puts it there");
        }
        return bg;
    }

    /** Fails (with the command that starts it) unless the stack's Prometheus answers. */
    public static void requirePrometheus() {
        if (get(PROMETHEUS + "/-/ready").status() != 200) {
            fail("Prometheus does not answer at " + PROMETHEUS + ": run scripts/stack.sh up, or scripts/test.sh");
        }
    }

    /** The folder the stack's Prometheus discovers targets in (file_sd), as scripts/stack.sh makes it. */
    public static Path prometheusTargets() {
        String dir = System.getenv("BLUEGREEN_STACK_DIR");
        return (dir == null || dir.isBlank() ? ROOT.resolve(".stack") : Path.of(dir)).resolve("prometheus/targets");
    }

    /** A service name no other test uses. */
    public static String uniqueService(String prefix) {
        return prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    }

    /** Removes everything the tests made for {@code service}: containers (by our label), registrations, KV. */
    public static void cleanUp(Systems sys, String service) {
        try {
            for (Instance i : sys.registry().instances(service)) {
                sys.registry().deregister(service, i.id());
            }
            java.util.List<Replica> mine = sys.cluster().list(service);
            sys.cluster().remove(mine);
            HttpRequest del = HttpRequest.newBuilder(URI.create(consul() + "/v1/kv/bluegreen/" + service + "?recurse=true"))
                    .DELETE().build();
            HTTP.send(del, HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            System.err.println("clean-up of " + service + " incomplete: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static String consul() {
        return connections().consul().toString();
    }

    /** GET through loopback; returns status and body, or status -1 with the error. */
    public static Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build());
    }

    /** POST an HTML form's fields ({@code vote=a}) through loopback, as a browser does; answers as {@link #get}. */
    public static Response post(String url, String form) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "interrupted");
        }
    }

    /** GET until it answers 200 or the bound passes (a started container may not listen yet); returns the last answer. */
    public static Response getUntilOk(String url, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        Response r = get(url);
        while (r.status() != 200 && System.nanoTime() < end) {
            Thread.sleep(100);
            r = get(url);
        }
        return r;
    }

    public static String kv(String key) {
        Response r = get(consul() + "/v1/kv/" + key + "?raw=true");
        return r.status() == 200 ? r.body() : null;
    }

    /**
     * Every key under {@code bluegreen/SERVICE/} with its value decoded (Consul's listing holds them base64-encoded, so a
     * secret searched for in the raw listing would never be found): "key = value" lines.
     */
    public static String kvDecoded(String service) {
        Response r = get(consul() + "/v1/kv/bluegreen/" + service + "?recurse=true");
        if (r.status() == 404) {
            return "";
        }
        try {
            StringBuilder out = new StringBuilder();
            for (JsonNode entry : new ObjectMapper().readTree(r.body())) {
                String value = entry.path("Value").isNull() ? ""
                        : new String(Base64.getDecoder().decode(entry.path("Value").asText()), StandardCharsets.UTF_8);
                out.append(entry.path("Key").asText()).append(" = ").append(value).append('\n');
            }
            return out.toString();
        } catch (IOException e) {
            throw new IllegalStateException("Consul's listing of bluegreen/" + service + " is not JSON: " + r.body(), e);
        }
    }

    public static void put(String url) {
        put(url, null);
    }

    /** PUT with {@code body} (none when null). */
    public static void put(String url, String body) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(url)).PUT(body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The docker CLI against the local engine, bounded to 30 s; returns what it printed; a non-zero exit fails the caller. */
    public static String docker(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(p.getInputStream().readAllBytes()));
            }
            return new String(p.getInputStream().readAllBytes()).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    public record Response(int status, String body) {
    }
}
