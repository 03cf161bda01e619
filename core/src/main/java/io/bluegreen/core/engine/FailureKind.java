package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.LockUnavailableException;
import io.bluegreen.core.engine.port.StoredDataException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.InvalidSpecException;

/**
 * What a failed command means to the person or script that ran it: the exit code of the CLI (README's table) and
 * the word in front of the message. One place, so the CLI and the heal server's rollback answer alike.
 */
public enum FailureKind {
    /** The operation failed and was undone, or was refused: traffic unchanged. */
    FAILED(1, "failed"),
    REFUSED(1, "refused"),
    /** Invalid input: the message names the field; nothing changed. */
    INVALID(2, "error"),
    /** A required system cannot be reached; nothing changed. */
    UNREACHABLE(3, "unreachable, nothing changed"),
    /** Putting things back failed: the message says what is where. */
    NEEDS_HUMAN(4, "ROLLBACK FAILED"),
    /** What Consul holds cannot be trusted or disagrees with what serves traffic: nothing was done, a human must look. */
    UNTRUSTED(4, "refused, a human must look");

    private final int exitCode;
    private final String label;

    FailureKind(int exitCode, String label) {
        this.exitCode = exitCode;
        this.label = label;
    }

    public static FailureKind of(Throwable e) {
        if (e instanceof InvalidSpecException) {
            return INVALID;
        }
        if (e instanceof SystemUnreachableException) {
            return UNREACHABLE;
        }
        if (e instanceof RollbackFailedException) {
            return NEEDS_HUMAN;
        }
        if (e instanceof StoredDataException || e instanceof UntrustedStateException) {
            return UNTRUSTED;
        }
        if (e instanceof LockUnavailableException || e instanceof RefusedException) {
            return REFUSED;
        }
        return FAILED;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The word in front of the message; an unexpected kind of error is named by its class. */
    public String label(Throwable e) {
        return this == FAILED && !(e instanceof DeployFailedException) ? "failed (" + e.getClass().getSimpleName() + ")" : label;
    }
}
