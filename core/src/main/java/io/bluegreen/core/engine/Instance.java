package io.bluegreen.core.engine;

/**
 * A replica as the service registry sees it, with its health check's verdict. {@code checkIndex} changes
 * whenever the check's status or output changes, so a gate can tell an unbroken streak from a flap.
 */
public record Instance(String id, Color color, String version, String deployId, String opId, Endpoint endpoint,
                       Health health, String output, long checkIndex) {

    public enum Health { PASSING, WARNING, CRITICAL }

    public boolean passing() {
        return health == Health.PASSING;
    }
}
