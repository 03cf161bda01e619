package io.bluegreen.core.engine.port;

/** Another deploy of the service held its lock for longer than we were allowed to wait. Nothing changed. */
public class LockUnavailableException extends RuntimeException {
    public LockUnavailableException(String message) {
        super(message);
    }
}
