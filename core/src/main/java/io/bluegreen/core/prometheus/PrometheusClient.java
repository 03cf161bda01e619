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
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
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
        JsonNode data = body.path("data");
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

    /** A sample is {@code [time, "value"]}; Prometheus writes NaN and ±Inf as text too. */
    private static double number(JsonNode sample, String query) {
        try {
            return Double.parseDouble(sample.path(1).asText());
        } catch (NumberFormatException e) {
            throw new PrometheusException(query + " gave a sample that is not a number: " + sample);
        }
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
