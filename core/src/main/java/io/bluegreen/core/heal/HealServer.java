package io.bluegreen.core.heal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
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
import javax.net.ssl.SSLContext;

/**
 * Receives Consul's HTTP watch handler POSTs on {@code /v1/heal/<service>} (JDK HTTP server, no framework) with one
 * secret for every service, and answers each as the {@link WatchReceiver} says: 405, 401 (the same for known and
 * unknown services), 404 for a service it does not heal (after authentication), 413, 400, 409, else 202 at once while
 * the service's {@link HealWorker} heals in the background. {@code POST /v1/rollback/<service>} with the same secret is
 * a person's rollback ({@link WatchReceiver#rollback}; {@code ?format=json} for {@code --json}), answered when done
 * with the CLI's output and its exit code in
 * {@value #EXIT_HEADER}: what {@code bin/bluegreen rollback} asks in an incident instead of starting a JVM. Any other
 * path is 404. Over TLS when {@link Listeners} says so; the read-only pages on a listener of their own when it names one.
 */
public final class HealServer implements AutoCloseable {
    public static final String TOKEN_HEADER = WatchGate.TOKEN_HEADER;
    public static final String PATH = "/v1/heal/";
    public static final String ROLLBACK_PATH = "/v1/rollback/";
    public static final String EXIT_HEADER = "X-Bluegreen-Exit";
    private static final Dashboard.Page NOT_FOUND = Dashboard.Page.text(404, "not found");
    private final HttpServer server;
    private final Optional<HttpServer> pages;
    private final ExecutorService requests;
    private final Secret secret;
    private final WatchReceiver receiver;
    private final Consumer<String> log;
    private final Optional<Dashboard> dashboard;

    /**
     * Where the server listens: {@code door} takes the watch POSTs and the rollbacks, and the read-only pages unless
     * {@code pages} names a listener of their own; both over {@code tls} when given, else plain HTTP.
     */
    public record Listeners(InetSocketAddress door, Optional<InetSocketAddress> pages, Optional<SSLContext> tls) {
        /** One plain HTTP listener for everything. */
        public static Listeners plain(InetSocketAddress door) {
            return new Listeners(door, Optional.empty(), Optional.empty());
        }
    }

    private HealServer(HttpServer server, Optional<HttpServer> pages, ExecutorService requests, Secret secret, WatchReceiver receiver,
                       Consumer<String> log, Optional<Dashboard> dashboard) {
        this.server = server;
        this.pages = pages;
        this.dashboard = dashboard;
        this.requests = requests;
        this.secret = secret;
        this.receiver = receiver;
        this.log = log;
    }

    /**
     * Listens where {@code listeners} say (port 0: any free port) for requests carrying {@code secret}, handed to
     * {@code receiver} (whose workers this server stops when it closes), and serves {@code dashboard}'s read-only pages
     * (GET /metrics and /dashboard/) when given. {@code log} gets one line per request, never the secret.
     */
    public static HealServer start(Listeners listeners, Secret secret, WatchReceiver receiver, Consumer<String> log,
                                   Optional<Dashboard> dashboard) throws IOException {
        WatchReceiver.requireValid(secret, "the heal server's secret");
        ExecutorService requests = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "heal-server-http");
            t.setDaemon(true);
            return t;
        });
        HttpServer door = listen(listeners.door(), listeners.tls(), requests);
        Optional<HttpServer> pages = Optional.empty();
        try {
            if (listeners.pages().isPresent()) {
                pages = Optional.of(listen(listeners.pages().get(), listeners.tls(), requests));
            }
        } catch (IOException e) {
            door.stop(0);
            requests.shutdown();
            throw e;
        }
        HealServer hs = new HealServer(door, pages, requests, secret, receiver, line -> log.accept(line.replace(secret.reveal(), "****")),
                dashboard);
        door.createContext("/", hs::handle);
        pages.ifPresent(p -> p.createContext("/", hs::page));
        door.start();
        pages.ifPresent(HttpServer::start);
        return hs;
    }

    private static HttpServer listen(InetSocketAddress address, Optional<SSLContext> tls, ExecutorService requests) throws IOException {
        HttpServer http;
        if (tls.isPresent()) {
            HttpsServer https = HttpsServer.create(address, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
            http = https;
        } else {
            http = HttpServer.create(address, 16);
        }
        http.setExecutor(requests);
        return http;
    }

    /** Where the watch POSTs and rollbacks are taken. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Where the read-only pages are served: a listener of their own, else {@link #address()}. */
    public InetSocketAddress pagesAddress() {
        return pages.map(HttpServer::getAddress).orElse(server.getAddress());
    }

    /** The read-only listener: the pages, and 404 for anything else (the door is not here). */
    private void page(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            answer(ex, dashboard.isPresent() && dashboard.get().serves(path)
                    ? dashboard.get().get(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery()) : NOT_FOUND);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (pages.isEmpty() && dashboard.isPresent() && dashboard.get().serves(path)) {
                answer(ex, dashboard.get().get(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery()));
                return;
            }
            if (!path.startsWith(PATH) && !path.startsWith(ROLLBACK_PATH)) {
                answer(ex, NOT_FOUND);
                return;
            }
            String line = ex.getRequestMethod() + " " + abbreviate(path) + " from " + ex.getRemoteAddress().getAddress().getHostAddress();
            boolean rollback = path.startsWith(ROLLBACK_PATH);
            String prefix = rollback ? ROLLBACK_PATH : PATH;
            String query = ex.getRequestURI().getRawQuery();
            WatchReceiver.Request request = new WatchReceiver.Request(ex.getRequestMethod(), path + (query == null ? "" : "?" + query),
                    path.startsWith(prefix) ? path.substring(prefix.length()) : "", ex.getRequestHeaders()::getFirst, ex.getRequestBody());
            WatchReceiver.Reply reply = rollback ? receiver.rollback(request, secret, transcript(query))
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
            // A HEAD answer has no body: the JDK's server refuses one and drops the connection.
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(reply.status(), head ? -1 : body.length);
            if (!head) {
                ex.getResponseBody().write(body);
            }
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
        pages.ifPresent(p -> p.stop(0));
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
