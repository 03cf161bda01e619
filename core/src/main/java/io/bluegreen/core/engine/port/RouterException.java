package io.bluegreen.core.engine.port;

/** The proxy refused a change; the router has already put its previous routing back. */
public class RouterException extends RuntimeException {
    public RouterException(String message) {
        super(message);
    }

    public RouterException(String message, Throwable cause) {
        super(message, cause);
    }
}
