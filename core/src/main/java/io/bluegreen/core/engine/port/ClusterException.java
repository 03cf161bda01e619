package io.bluegreen.core.engine.port;

/** The cluster could not do what was asked (start, list, remove replicas; a capacity check), with why. */
public class ClusterException extends RuntimeException {
    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
