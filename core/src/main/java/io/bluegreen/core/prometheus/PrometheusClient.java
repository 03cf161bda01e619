package io.bluegreen.core.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.port.MetricsSource;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** Prometheus' HTTP API: {@code /-/ready} and instant queries on {@code /api/v1/query}, each bounded to 5 s. */
public final class PrometheusClient implements MetricsSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http;

    public PrometheusClient(URI base) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    @Override
    public void ping() {
        HttpResponse<String> r = get("/-/ready");
        if (r.statusCode() != 200) {
            throw new SystemUnreachableException("Prometheus", base + " is not ready (HTTP " + r.statusCode() + ")", null);
        }
    }

    @Override
    public OptionalDouble query(String query) {
        JsonNode data = data(get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)), query);
        JsonNode result = data.path("result");
        return switch (data.path("resultType").asText()) {
            case "scalar" -> OptionalDouble.of(number(result, query));
            case "vector" -> {
                if (result.size() > 1) {
                    throw new PrometheusException(query + " gave " + result.size()
                            + " series, not one number: aggregate it (sum, max, avg ...)");
                }
                yield result.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(number(result.get(0).path("value"), query));
            }
            default -> throw new PrometheusException(query + " gave a " + data.path("resultType").asText("?")
                    + ", not one number (an instant vector of one series, or a scalar)");
        };
    }

    @Override
    public List<double[]> range(String query, Instant from, Instant to, Duration step) {
        JsonNode data = data(get("/api/v1/query_range?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start="
                + from.getEpochSecond() + "&end=" + to.getEpochSecond() + "&step=" + Math.max(1, step.toSeconds())), query);
        JsonNode result = data.path("result");
        if (result.size() > 1) {
            throw new PrometheusException(query + " gave " + result.size() + " series, not one: aggregate it (sum, max, avg ...)");
        }
        List<double[]> points = new ArrayList<>();
        if (!result.isEmpty()) {
            for (JsonNode p : result.get(0).path("values")) {
                points.add(new double[] {p.path(0).asDouble(), number(p, query)});
            }
        }
        return points;
    }

    /** A sample is {@code [time, "value"]}; Prometheus writes NaN and ±Inf as text too. */
    private static double number(JsonNode sample, String query) {
        try {
            return Double.parseDouble(sample.path(1).asText());
        } catch (NumberFormatException e) {
            throw new PrometheusException(query + " gave a sample that is not a number: " + sample);
        }
    }

    /** The {@code data} of a successful answer; a refusal or an answer that is not JSON throws. */
    private static JsonNode data(HttpResponse<String> r, String query) {
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new PrometheusException("Prometheus answered HTTP " + r.statusCode() + " with no JSON for " + query);
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new PrometheusException("Prometheus refused " + query + ": " + body.path("errorType").asText("?") + ": "
                    + body.path("error").asText("HTTP " + r.statusCode()));
        }
        return body.path("data");
    }

    private HttpResponse<String> get(String pathAndQuery) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SystemUnreachableException("Prometheus", "no Prometheus answers at " + base + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemUnreachableException("Prometheus", "interrupted while asking " + base, e);
        }
    }
}
