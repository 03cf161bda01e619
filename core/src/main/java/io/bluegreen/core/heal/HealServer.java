package io.bluegreen.core.heal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bluegreen.core.engine.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Receives Consul's HTTP watch handler POSTs on {@code /v1/heal/<service>} (JDK HTTP server, no framework) with one
 * secret for every service, and answers each as the {@link WatchReceiver} says: 405, 401 (the same for known and
 * unknown services), 404 for a service it does not heal (after authentication), 413, 400, 409, else 202 at once while
 * the service's {@link HealWorker} heals in the background. {@code POST /v1/rollback/<service>} with the same secret is
 * a person's rollback ({@link WatchReceiver#rollback}; {@code ?format=json} for {@code --json}), answered when done
 * with the CLI's output and its exit code in
 * {@value #EXIT_HEADER}: what {@code bin/bluegreen rollback} asks in an incident instead of starting a JVM.
 */
public final class HealServer implements AutoCloseable {
    public static final String TOKEN_HEADER = WatchGate.TOKEN_HEADER;
    public static final String PATH = "/v1/heal/";
    public static final String ROLLBACK_PATH = "/v1/rollback/";
    public static final String EXIT_HEADER = "X-Bluegreen-Exit";
    private final HttpServer server;
    private final ExecutorService requests;
    private final Secret secret;
    private final WatchReceiver receiver;
    private final Consumer<String> log;
    private final Optional<Dashboard> dashboard;

    private HealServer(HttpServer server, ExecutorService requests, Secret secret, WatchReceiver receiver, Consumer<String> log,
                       Optional<Dashboard> dashboard) {
        this.server = server;
        this.dashboard = dashboard;
        this.requests = requests;
        this.secret = secret;
        this.receiver = receiver;
        this.log = log;
    }

    /**
     * Listens on {@code listen} (port 0: any free port) for POSTs carrying {@code secret}, handed to {@code receiver}
     * (whose workers this server stops when it closes). {@code log} gets one line per request, never the secret.
     */
    public static HealServer start(InetSocketAddress listen, Secret secret, WatchReceiver receiver, Consumer<String> log)
            throws IOException {
        return start(listen, secret, receiver, log, Optional.empty());
    }

    /** The same, also serving {@code dashboard}'s read-only pages: GET /metrics and /dashboard/. */
    public static HealServer start(InetSocketAddress listen, Secret secret, WatchReceiver receiver, Consumer<String> log,
                                   Optional<Dashboard> dashboard) throws IOException {
        WatchReceiver.requireValid(secret, "the heal server's secret");
        HttpServer http = HttpServer.create(listen, 16);
        ExecutorService requests = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "heal-server-http");
            t.setDaemon(true);
            return t;
        });
        HealServer hs = new HealServer(http, requests, secret, receiver, line -> log.accept(line.replace(secret.reveal(), "****")),
                dashboard);
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
            if (dashboard.isPresent() && dashboard.get().serves(path)) {
                answer(ex, dashboard.get().get(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery()));
                return;
            }
            String line = ex.getRequestMethod() + " " + abbreviate(path) + " from " + ex.getRemoteAddress().getAddress().getHostAddress();
            boolean rollback = path.startsWith(ROLLBACK_PATH);
            String prefix = rollback ? ROLLBACK_PATH : PATH;
            WatchReceiver.Request request = new WatchReceiver.Request(ex.getRequestMethod(),
                    path.startsWith(prefix) ? path.substring(prefix.length()) : "", ex.getRequestHeaders().getFirst(TOKEN_HEADER),
                    ex.getRequestHeaders().getFirst("X-Consul-Index"), ex.getRequestBody());
            WatchReceiver.Reply reply = rollback ? receiver.rollback(request, secret, transcript(ex.getRequestURI().getRawQuery()))
                    : receiver.receive(request, secret);
            if (reply.status() == 405) {
                ex.getResponseHeaders().add("Allow", "POST");
            }
            if (reply.exitCode() != null) {
                ex.getResponseHeaders().set(EXIT_HEADER, reply.exitCode().toString());
            }
            String message = reply.message();
            log.accept(line + " -> " + reply.status() + " " + message.substring(message.lastIndexOf('\n') + 1));
            byte[] body = (reply.message() + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(reply.status(), body.length);
            ex.getResponseBody().write(body);
        }
    }

    /** A read-only page: never cached by the browser (it is live), framed by no other page, sniffed by none. */
    private static void answer(HttpExchange ex, Dashboard.Page page) throws IOException {
        ex.getResponseHeaders().set("Content-Type", page.type());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:");
        if (page.status() == 308) {
            ex.getResponseHeaders().set("Location", "/dashboard/");
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(page.status(), head || page.body().length == 0 ? -1 : page.body().length);
        if (!head) {
            ex.getResponseBody().write(page.body());
        }
    }

    /** {@code ?format=json}: the rollback's events as {@code --json} prints them; anything else, as text. */
    private static WatchReceiver.Transcript transcript(String query) {
        return "format=json".equals(query) ? WatchReceiver.Transcript.JSON_LINES : WatchReceiver.Transcript.TEXT;
    }

    private static String abbreviate(String s) {
        String clean = String.valueOf(s).replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }

    /** Stops accepting (in-flight answers get 2 s), then stops every worker, letting a running heal finish for up to {@code wait}. */
    public void close(Duration wait) {
        server.stop(2);
        requests.shutdown();
        receiver.close(wait);
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
