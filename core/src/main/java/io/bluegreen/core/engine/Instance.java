package io.bluegreen.core.engine;

/** A replica as the service registry sees it, with its health check's verdict. */
public record Instance(String id, Color color, String version, String deployId, Endpoint endpoint,
                       Health health, String output) {

    public enum Health { PASSING, WARNING, CRITICAL }

    public boolean passing() {
        return health == Health.PASSING;
    }
}
