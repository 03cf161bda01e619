package io.bluegreen.core.engine.port;

import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.Versioned;
import io.bluegreen.core.spec.HealthSpec;
import java.time.Duration;
import java.util.List;

/** The service registry and health monitor (Consul catalog and agent checks). */
public interface ServiceRegistry {
    void ping();

    /** Whom a replica serves: its color waits in preview (Consul tag {@code preview}), or takes production traffic. */
    enum Audience { PREVIEW, PRODUCTION }

    /**
     * Registers the replica with an HTTP check that starts critical and needs {@code passes} successes, tagged
     * {@code preview} while its color waits in preview. Registering it again (to drop that tag) keeps its check's
     * status.
     */
    void register(Replica replica, String digest, HealthSpec health, Audience audience);

    /**
     * Removes the replica's registration from wherever it lives (the agent that registered it, or the catalog when that
     * agent is gone); nothing when there is none.
     */
    void deregister(String service, String replicaId);

    List<Instance> instances(String service);

    /**
     * A blocking read of the service's health: returns as soon as it differs from what {@code lastIndex}
     * (the index of an earlier answer; 0 for "now") saw, or after {@code maxWait} with the same index.
     */
    Versioned<List<Instance>> awaitChange(String service, long lastIndex, Duration maxWait);
}
