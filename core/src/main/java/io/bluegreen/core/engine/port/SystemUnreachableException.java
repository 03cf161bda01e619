package io.bluegreen.core.engine.port;

/** A system the deploy needs (Docker, registry, Consul, proxy) cannot be reached. */
public class SystemUnreachableException extends RuntimeException {
    private final String system;

    public SystemUnreachableException(String system, String message, Throwable cause) {
        super(system + " unreachable: " + message, cause);
        this.system = system;
    }

    public String system() {
        return system;
    }
}
