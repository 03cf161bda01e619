package io.bluegreen.core.heal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaUsage;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.port.MetricsSource;
import io.bluegreen.core.engine.port.TrafficSeries;
import io.bluegreen.core.spec.SpecReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The heal server's read-only side: {@code GET /metrics} (Prometheus text format) and the live dashboard
 * ({@code /dashboard/}: a page, its script and style served from the jar, {@code data.json} with every healed service's
 * state, replicas and timeline, {@code series.json?service=S} with its proxy's request rate, error share and average
 * response time from Prometheus). It shows only what the state and history hold, which never includes a secret or an
 * environment value, and answers only GET.
 */
public final class Dashboard {
    /** How far back the plots reach, and their resolution. */
    static final Duration SPAN = Duration.ofMinutes(15);
    static final Duration STEP = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How old the replicas' memory and CPU on /metrics may be before a new sample is taken. */
    static final Duration USAGE_AGE = Duration.ofSeconds(5);
    /** Docker's stats calls, a few at a time: each waits about a second for the engine's second sample. */
    private static final ExecutorService STATS = daemons(4, "dashboard-stats");
    /** Takes the samples, one service at a time, off the request threads. */
    private static final ExecutorService SAMPLER = daemons(1, "dashboard-sampler");
    private static final Map<String, String> FILES = Map.of("/dashboard/", "index.html; text/html",
            "/dashboard/app.js", "app.js; text/javascript", "/dashboard/style.css", "style.css; text/css");
    private final List<String> services;
    private final Systems sys;
    private final Function<String, ReplicaCluster> clusters;
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();
    private final Set<String> sampling = ConcurrentHashMap.newKeySet();
    private final Optional<MetricsSource> prometheus;
    private final Clock clock;

    /** {@code clusters}: where a service's replicas run (its recorded target), asked for their memory and CPU. */
    public Dashboard(List<String> services, Systems sys, Function<String, ReplicaCluster> clusters,
                     Optional<MetricsSource> prometheus) {
        this.services = List.copyOf(services);
        this.sys = sys;
        this.clusters = clusters;
        this.prometheus = prometheus;
        this.clock = sys.clock();
    }

    private static ExecutorService daemons(int n, String name) {
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** A response: status, content type and body. */
    public record Page(int status, String type, byte[] body) {
        static Page text(int status, String text) {
            return new Page(status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Whether {@code path} is one of this side's; the heal server asks before handing a request to the watch receiver. */
    public boolean serves(String path) {
        return path.equals("/metrics") || path.equals("/dashboard") || path.startsWith("/dashboard/");
    }

    public Page get(String method, String path, String query) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Page.text(405, "read-only: GET");
        }
        try {
            if (path.equals("/metrics")) {
                return new Page(200, "text/plain; version=0.0.4; charset=utf-8",
                        MetricsPage.render(services, s -> ServiceView.read(sys, s), this::usage).getBytes(StandardCharsets.UTF_8));
            }
            if (path.equals("/dashboard")) {
                return new Page(308, "text/plain; charset=utf-8", new byte[0]);
            }
            if (FILES.containsKey(path)) {
                String[] f = FILES.get(path).split("; ");
                return new Page(200, f[1] + "; charset=utf-8", resource(f[0]));
            }
            if (path.equals("/dashboard/data.json")) {
                return json(data());
            }
            if (path.equals("/dashboard/series.json")) {
                String service = query == null || !query.startsWith("service=") ? "" : query.substring("service=".length());
                if (!SpecReader.SERVICE.matcher(service).matches() || !services.contains(service)) {
                    return Page.text(404, "no such service here: ask for series.json?service=NAME of a healed service");
                }
                return json(series(service));
            }
            return Page.text(404, "not found");
        } catch (RuntimeException e) {
            return Page.text(503, "could not read the services: " + sys.redactor().redact(String.valueOf(e.getMessage())));
        }
    }

    /**
     * The last sample of the service's replicas' memory and CPU (empty before the first), and a new one started in the
     * background when it is older than {@link #USAGE_AGE}: Docker's stats take about a second per container, longer
     * than a scrape may wait, so /metrics never waits for them.
     */
    private Map<String, ReplicaUsage> usage(ServiceView view) {
        String service = view.service();
        Sample last = samples.get(service);
        if ((last == null || System.nanoTime() - last.at() > USAGE_AGE.toNanos()) && sampling.add(service)) {
            CompletableFuture.runAsync(() -> {
                try {
                    samples.put(service, new Sample(System.nanoTime(), sample(view)));
                } catch (RuntimeException e) {
                    samples.remove(service); // the engine does not answer: no figures rather than old ones
                } finally {
                    sampling.remove(service);
                }
            }, SAMPLER);
        }
        return last == null ? Map.of() : last.byReplica();
    }

    private record Sample(long at, Map<String, ReplicaUsage> byReplica) {
    }

    /**
     * Memory and CPU of the replicas {@code view}'s state names, asked of their cluster in parallel (Docker samples
     * for about a second), at most 6 s in all; replicas that did not answer in time are left out.
     */
    private Map<String, ReplicaUsage> sample(ServiceView view) {
        Set<String> named = new HashSet<>();
        view.colors().forEach(c -> c.replicas().forEach(r -> named.add(r.id())));
        ReplicaCluster cluster = clusters.apply(view.service());
        List<Replica> running = cluster.list(view.service()).stream().filter(r -> r.running() && named.contains(r.id())).toList();
        Map<String, CompletableFuture<Optional<ReplicaUsage>>> asked = new LinkedHashMap<>();
        running.forEach(r -> asked.put(r.id(), CompletableFuture.supplyAsync(() -> cluster.usage(r), STATS)));
        Map<String, ReplicaUsage> out = new LinkedHashMap<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        asked.forEach((id, f) -> {
            try {
                f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS).ifPresent(u -> out.put(id, u));
            } catch (ExecutionException | TimeoutException e) {
                f.cancel(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return out;
    }

    private Map<String, Object> data() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", clock.instant().toString());
        out.put("prometheus", prometheus.isPresent());
        out.put("services", services.stream().map(s -> {
            try {
                return (Object) ServiceView.read(sys, s);
            } catch (RuntimeException e) {
                return Map.of("service", s, "error", sys.redactor().redact(String.valueOf(e.getMessage())));
            }
        }).toList());
        return out;
    }

    private Map<String, Object> series(String service) {
        Map<String, Object> out = new LinkedHashMap<>();
        Instant to = clock.instant();
        Instant from = to.minus(SPAN);
        out.put("from", from.getEpochSecond());
        out.put("to", to.getEpochSecond());
        if (prometheus.isEmpty()) {
            out.put("error", "the heal server was started without --prometheus");
            return out;
        }
        Optional<TrafficSeries> series;
        try {
            ServiceState state = sys.store().readState(service).value();
            series = state == null || state.router() == null ? Optional.empty()
                    : sys.routerFor().apply(state.router()).metrics();
        } catch (RuntimeException e) {
            out.put("error", sys.redactor().redact(String.valueOf(e.getMessage())));
            return out;
        }
        if (series.isEmpty()) {
            out.put("error", "the service's router exports no traffic figures (HAProxy and nginx in runtime mode do)");
            return out;
        }
        TrafficSeries q = series.get();
        out.put("labels", Map.of("responseTime", q.responseTimeLabel()));
        Map.of("requests", q.requests(), "errors", q.errorShare(), "responseTime", q.responseTime()).forEach((name, query) -> {
            try {
                out.put(name, prometheus.get().range(query, from, to, STEP));
            } catch (RuntimeException e) {
                out.put(name, List.of());
                out.put("error", String.valueOf(e.getMessage()));
            }
        });
        return out;
    }

    private static Page json(Object value) {
        try {
            return new Page(200, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks the dashboard's " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
