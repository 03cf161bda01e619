package io.bluegreen.core.engine.port;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/** A time-series store the engine asks for one number at a time (Prometheus, through PromQL). */
public interface MetricsSource {
    /** Throws {@link SystemUnreachableException} when the store does not answer. */
    void ping();

    /**
     * The value of {@code query} now: a scalar, or a vector of exactly one sample; empty when the query matched no
     * series (no data yet). Throws {@link MetricsException} for a query the store refused or an answer that is not one
     * number (several series), and {@link SystemUnreachableException} when the store does not answer.
     */
    OptionalDouble query(String query);

    /** One series of {@code query} from {@code from} to {@code to} every {@code step}: points {@code [epoch seconds, value]}. */
    List<double[]> range(String query, Instant from, Instant to, Duration step);
}
