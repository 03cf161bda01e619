package io.bluegreen.core.engine;

/** There is nothing safe to do (no standby, a standby not passing, nothing deployed); nothing was changed. */
public class RefusedException extends RuntimeException {
    public RefusedException(String message) {
        super(message);
    }
}
