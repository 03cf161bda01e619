package io.bluegreen.core.engine.port;

/** A hook failed: its answer or exit status was not the expected one, or it timed out. */
public class HookException extends RuntimeException {
    public HookException(String message) {
        super(message);
    }
}
