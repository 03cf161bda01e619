package io.bluegreen.core.cluster;

/** The engines cannot hold the demand; the message says what is short, engine by engine. */
public final class CapacityException extends RuntimeException {
    public CapacityException(String message) {
        super(message);
    }
}
