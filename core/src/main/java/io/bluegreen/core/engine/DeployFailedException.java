package io.bluegreen.core.engine;

/** The deploy failed and everything it changed was put back: traffic is where it was. */
public class DeployFailedException extends RuntimeException {
    private final Phase phase;

    public DeployFailedException(Phase phase, String reason, Throwable cause) {
        super(reason, cause);
        this.phase = phase;
    }

    public Phase phase() {
        return phase;
    }
}
