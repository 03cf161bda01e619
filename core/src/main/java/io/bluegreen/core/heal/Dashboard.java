package io.bluegreen.core.heal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.port.MetricsSource;
import io.bluegreen.core.spec.SpecReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private static final Map<String, String> FILES = Map.of("/dashboard/", "index.html; text/html",
            "/dashboard/app.js", "app.js; text/javascript", "/dashboard/style.css", "style.css; text/css");
    /**
     * The plotted series per service: HAProxy's exporter per backend (the service's name). HAProxy 2.6 exports no
     * latency histogram, so the plot is its average response time over the last 1024 requests, not a p99.
     */
    static final Map<String, String> SERIES = seriesQueries();

    private final List<String> services;
    private final Systems sys;
    private final Optional<MetricsSource> prometheus;
    private final Clock clock;

    public Dashboard(List<String> services, Systems sys, Optional<MetricsSource> prometheus) {
        this.services = List.copyOf(services);
        this.sys = sys;
        this.prometheus = prometheus;
        this.clock = sys.clock();
    }

    private static Map<String, String> seriesQueries() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("requests", "sum(rate(haproxy_backend_http_responses_total{proxy=\"%s\"}[10s]))");
        q.put("errors", "sum(rate(haproxy_backend_http_responses_total{proxy=\"%1$s\",code=\"5xx\"}[10s]))"
                + " / sum(rate(haproxy_backend_http_responses_total{proxy=\"%1$s\"}[10s]))");
        q.put("responseTime", "max(haproxy_backend_response_time_average_seconds{proxy=\"%s\"})");
        return q;
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
                        MetricsPage.render(services, s -> ServiceView.read(sys, s)).getBytes(StandardCharsets.UTF_8));
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
        SERIES.forEach((name, q) -> {
            try {
                out.put(name, prometheus.get().range(q.formatted(service), from, to, STEP));
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
