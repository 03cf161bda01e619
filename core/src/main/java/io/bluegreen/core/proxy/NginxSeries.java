package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.port.TrafficSeries;

/**
 * What scripts/nginx/bluegreen_router.lua exports for an upstream: responses by status class for the upstream and for
 * each server (named by endpoint), and each server's response-time histogram, so the route's p99 is a real one.
 */
record NginxSeries(String upstream) implements TrafficSeries {
    private static final String UPSTREAM = "bluegreen_nginx_upstream_responses_total{upstream=\"%1$s\"%2$s}";
    private static final String SERVER = "bluegreen_nginx_server_responses_total{upstream=\"%1$s\",server=~\"%2$s\"%3$s}";
    private static final String SECONDS = "bluegreen_nginx_server_response_seconds";

    @Override
    public String requests() {
        return "sum(rate(" + UPSTREAM.formatted(upstream, "") + "[10s]))";
    }

    @Override
    public String errorShare() {
        return "sum(rate(" + UPSTREAM.formatted(upstream, ",code=\"5xx\"") + "[10s])) / sum(rate("
                + UPSTREAM.formatted(upstream, "") + "[10s]))";
    }

    @Override
    public String responseTime() {
        return "histogram_quantile(0.99, sum by (le) (rate(" + SECONDS + "_bucket{upstream=\"%s\"}[10s])))".formatted(upstream);
    }

    @Override
    public String responseTimeLabel() {
        return "p99 response time (s)";
    }

    @Override
    public String serverLatency(String server) {
        String labels = "{upstream=\"%s\",server=\"%s\"}".formatted(upstream, server);
        return "sum(rate(" + SECONDS + "_sum" + labels + "[1m])) / sum(rate(" + SECONDS + "_count" + labels + "[1m]))";
    }

    @Override
    public String errorShare(String servers, String window, String offset) {
        String range = "[" + window + "]" + offset;
        return "sum(rate(" + SERVER.formatted(upstream, servers, ",code=\"5xx\"") + range + ")) / sum(rate("
                + SERVER.formatted(upstream, servers, "") + range + "))";
    }
}
