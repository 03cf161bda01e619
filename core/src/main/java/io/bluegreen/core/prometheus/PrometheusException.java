package io.bluegreen.core.prometheus;

import io.bluegreen.core.engine.port.MetricsException;

/** Prometheus answered, but refused the query or answered with something that is not one number. */
public final class PrometheusException extends MetricsException {
    public PrometheusException(String message) {
        super(message);
    }
}
