package io.bluegreen.core.engine;

/**
 * The saved state cannot be acted on as it stands: it disagrees with what serves traffic, or an unsigned state would
 * have a command run. Nothing was changed; the message says what disagrees and what a person can do.
 */
public class UntrustedStateException extends RuntimeException {
    public UntrustedStateException(String message) {
        super(message);
    }
}
