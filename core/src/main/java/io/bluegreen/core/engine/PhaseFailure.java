package io.bluegreen.core.engine;

/** A phase's own verdict (a gate deadline, a replica gone critical), as opposed to a system error. */
public class PhaseFailure extends RuntimeException {
    public PhaseFailure(String message) {
        super(message);
    }

    public PhaseFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
