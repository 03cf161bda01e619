package io.bluegreen.core.engine.port;

/** The metrics store answered, but not with one number: a refused query, several series, an unreadable answer. */
public class MetricsException extends RuntimeException {
    public MetricsException(String message) {
        super(message);
    }
}
