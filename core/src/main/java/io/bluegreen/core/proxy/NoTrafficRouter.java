package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.port.TrafficRouter;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code router.type: none}: traffic is found through Consul (DNS or a template), we only register. */
public final class NoTrafficRouter implements TrafficRouter {
    @Override
    public String describe() {
        return "no proxy (clients find the active color in Consul)";
    }

    @Override
    public void check() {
    }

    @Override
    public Optional<String> snapshot() {
        return Optional.empty();
    }

    /** Clients find replicas in Consul: no proxy sends them anything. */
    @Override
    public Set<Endpoint> liveEndpoints() {
        return Set.of();
    }

    @Override
    public boolean carriesTraffic() {
        return false;
    }

    @Override
    public void route(String service, List<Endpoint> endpoints, String note) {
    }

    @Override
    public void clear(String service, String note) {
    }

    @Override
    public void restore(Optional<String> snapshot) {
    }

    /** Clients reach replicas directly: the app's own drain on {@code docker stop} finishes their requests. */
    @Override
    public int inFlight(List<Endpoint> endpoints) {
        return 0;
    }

    @Override
    public RouterRef ref() {
        return RouterRef.NONE;
    }
}
