package io.bluegreen.core.engine;

/** Putting things back failed too; the message says exactly what is where so a human can finish. */
public class RollbackFailedException extends RuntimeException {
    public RollbackFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
