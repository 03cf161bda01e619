package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.port.TrafficSeries;

/** HAProxy's built-in Prometheus exporter, per backend and per server (named by endpoint); it has no histogram. */
record HaproxySeries(String backend) implements TrafficSeries {
    private static final String BACKEND = "haproxy_backend_http_responses_total{proxy=\"%1$s\"%2$s}";
    private static final String SERVER = "haproxy_server_http_responses_total{proxy=\"%1$s\",server=~\"%2$s\"%3$s}";

    @Override
    public String requests() {
        return "sum(rate(" + BACKEND.formatted(backend, "") + "[10s]))";
    }

    @Override
    public String errorShare() {
        return "sum(rate(" + BACKEND.formatted(backend, ",code=\"5xx\"") + "[10s])) / sum(rate("
                + BACKEND.formatted(backend, "") + "[10s]))";
    }

    @Override
    public String responseTime() {
        return "max(haproxy_backend_response_time_average_seconds{proxy=\"%s\"})".formatted(backend);
    }

    @Override
    public String responseTimeLabel() {
        return "average response time (s; HAProxy 2.6 exports no p99)";
    }

    @Override
    public String serverLatency(String server) {
        return "max(haproxy_server_response_time_average_seconds{proxy=\"%s\",server=\"%s\"})".formatted(backend, server);
    }

    @Override
    public String errorShare(String servers, String window, String offset) {
        String range = "[" + window + "]" + offset;
        return "sum(rate(" + SERVER.formatted(backend, servers, ",code=\"5xx\"") + range + ")) / sum(rate("
                + SERVER.formatted(backend, servers, "") + range + "))";
    }
}
