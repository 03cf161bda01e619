package io.bluegreen.core.heal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Receives Consul's HTTP watch handler POSTs on {@code /v1/heal/<service>} (JDK HTTP server, no framework).
 * In this order: only POST (405); the shared secret in {@link #TOKEN_HEADER}, compared in constant time
 * (401, the same answer for known and unknown services); a configured service (404); at most
 * {@link WatchPayloads#MAX_BYTES} of body (413); {@code X-Consul-Index} present (400) and new (409 for a
 * replay); a valid watch payload (400). Then it answers 202 at once and the service's {@link HealWorker}
 * heals in the background.
 */
public final class HealServer implements AutoCloseable {
    public static final String TOKEN_HEADER = WatchGate.TOKEN_HEADER;
    public static final String PATH = "/v1/heal/";
    public static final int MIN_SECRET_LENGTH = 16;
    private final HttpServer server;
    private final ExecutorService requests;
    private final Secret secret;
    private final Map<String, HealWorker> workers;
    private final WatchIndexes indexes;
    private final Consumer<String> log;

    private HealServer(HttpServer server, ExecutorService requests, Secret secret, Map<String, HealWorker> workers,
                       WatchIndexes indexes, Consumer<String> log) {
        this.server = server;
        this.requests = requests;
        this.secret = secret;
        this.workers = workers;
        this.indexes = indexes;
        this.log = log;
    }

    /**
     * Listens on {@code listen} (port 0: any free port) and starts one worker per service, each healing with
     * {@code healerFor.apply(service)}'s healer. {@code log} gets one line per request and action, never the secret.
     */
    public static HealServer start(InetSocketAddress listen, Secret secret, Systems sys, List<String> services,
                                   Function<String, Healer> healerFor, Consumer<String> log) throws IOException {
        if (secret.reveal().length() < MIN_SECRET_LENGTH) {
            throw new InvalidSpecException("the heal server's secret must have at least " + MIN_SECRET_LENGTH + " characters");
        }
        Consumer<String> redacted = line -> log.accept(sys.redactor().redact(line.replace(secret.reveal(), "****")));
        HttpServer http = HttpServer.create(listen, 16);
        ExecutorService requests = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "heal-server-http");
            t.setDaemon(true);
            return t;
        });
        Map<String, HealWorker> workers = new LinkedHashMap<>();
        for (String s : services) {
            workers.put(s, new HealWorker(s, sys, healerFor.apply(s), redacted));
        }
        HealServer hs = new HealServer(http, requests, secret, workers, new WatchIndexes(sys.store()), redacted);
        http.createContext("/", hs::handle);
        http.setExecutor(requests);
        http.start();
        return hs;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String line = ex.getRequestMethod() + " " + abbreviate(path) + " from " + ex.getRemoteAddress().getAddress().getHostAddress();
            if (!ex.getRequestMethod().equals("POST")) {
                ex.getResponseHeaders().add("Allow", "POST");
                answer(ex, 405, line, "only POST");
                return;
            }
            String token = ex.getRequestHeaders().getFirst(TOKEN_HEADER);
            if (!WatchGate.tokenMatches(token, secret)) {
                answer(ex, 401, line, WatchGate.refusal(token));
                return;
            }
            String service = path.startsWith(PATH) ? path.substring(PATH.length()) : "";
            HealWorker worker = workers.get(service);
            if (worker == null) {
                answer(ex, 404, line, "not a service this server heals (it heals " + String.join(", ", workers.keySet()) + ")");
                return;
            }
            WatchGate.Answer a = WatchGate.admit(service, WatchGate.readBody(ex.getRequestBody()),
                    ex.getRequestHeaders().getFirst("X-Consul-Index"), indexes::accept);
            if (!a.admitted()) {
                answer(ex, a.status(), line, a.message());
                return;
            }
            HealWorker.Trigger t = worker.trigger("watch index " + a.index());
            answer(ex, t == HealWorker.Trigger.STOPPED ? 503 : 202, line, a.message() + "; heal " + t.name().toLowerCase());
        } catch (RuntimeException e) {
            answer(ex, 503, ex.getRequestMethod() + " " + abbreviate(ex.getRequestURI().getRawPath()), "failed: " + e.getMessage());
        }
    }

    private void answer(HttpExchange ex, int status, String line, String message) throws IOException {
        log.accept(line + " -> " + status + " " + message);
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static String abbreviate(String s) {
        String clean = String.valueOf(s).replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }

    /** Stops accepting (in-flight answers get 2 s), then stops every worker, letting a running heal finish for up to {@code wait}. */
    public void close(Duration wait) {
        server.stop(2);
        requests.shutdown();
        workers.values().parallelStream().forEach(w -> w.close(wait));
        try {
            requests.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
