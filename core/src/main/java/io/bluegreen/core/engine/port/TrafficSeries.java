package io.bluegreen.core.engine.port;

/**
 * The PromQL a router's own exporter answers: the heal server's dashboard plots and trend rule ask these, whichever
 * proxy carries the traffic. {@code servers} is a regex of endpoints (the routers name each server by its endpoint),
 * {@code window} a PromQL duration, {@code offset} empty or {@code " offset 30s"}.
 */
public interface TrafficSeries {
    /** Requests per second through the proxy. */
    String requests();

    /** The share of 5xx answers. */
    String errorShare();

    /** A response time, in seconds, of the whole route. */
    String responseTime();

    /** What {@link #responseTime()} is, for people. */
    String responseTimeLabel();

    /** The average response time of one server, in seconds. */
    String serverLatency(String server);

    /** The 5xx share of one server over {@code window} (an endpoint read as a regex matches only itself). */
    default String serverErrorShare(String server, String window) {
        return errorShare(server, window, "");
    }

    /** The 5xx share of the servers {@code servers} (a regex) over {@code window}, ending {@code offset} ago. */
    String errorShare(String servers, String window, String offset);
}
