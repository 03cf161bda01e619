package io.bluegreen.core.engine.fake;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.fake.Faults.Step;
import io.bluegreen.core.engine.port.TrafficRouter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A proxy that only records where traffic goes; its snapshot is that list of endpoints. */
public final class FakeRouter implements TrafficRouter {
    public static final RouterRef REF = new RouterRef("fake", java.util.Map.of());
    private final Faults faults;
    private List<String> routed; // null: nothing was ever routed

    public FakeRouter(Faults faults) {
        this.faults = faults;
    }

    @Override
    public String describe() {
        return "the fake router";
    }

    @Override
    public void check() {
    }

    @Override
    public synchronized Optional<String> snapshot() {
        return Optional.ofNullable(routed).map(r -> String.join(",", r));
    }

    @Override
    public synchronized void clear(String service, String note) {
        routed = null;
    }

    /** Applies the change before an armed failure: the worst case, a proxy that switched but did not confirm. */
    @Override
    public synchronized void route(String service, List<Endpoint> endpoints, String note) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("route to no endpoint"); // the port says never empty
        }
        routed = endpoints.stream().map(Endpoint::toString).toList();
        faults.check(Step.ROUTE);
    }

    @Override
    public synchronized void restore(Optional<String> snapshot) {
        faults.check(Step.RESTORE);
        routed = snapshot.map(s -> Arrays.asList(s.split(","))).orElse(null);
    }

    @Override
    public int inFlight(List<Endpoint> endpoints) {
        return 0;
    }

    @Override
    public RouterRef ref() {
        return REF;
    }

    /** Queries that name what they ask for, so a fake Prometheus (and a test) can tell them apart. */
    @Override
    public java.util.Optional<io.bluegreen.core.engine.port.TrafficSeries> metrics() {
        return java.util.Optional.of(new io.bluegreen.core.engine.port.TrafficSeries() {
            @Override
            public String requests() {
                return "requests";
            }

            @Override
            public String errorShare() {
                return "errors";
            }

            @Override
            public String responseTime() {
                return "responseTime";
            }

            @Override
            public String responseTimeLabel() {
                return "fake response time";
            }

            @Override
            public String serverLatency(String server) {
                return "latency " + server;
            }

            @Override
            public String errorShare(String servers, String window, String offset) {
                return "errors " + servers + " " + window + offset;
            }
        });
    }

    @Override
    public synchronized Set<Endpoint> liveEndpoints() {
        return routed == null ? Set.of() : routed.stream().map(Endpoint::parse).collect(java.util.stream.Collectors.toSet());
    }

    /** What traffic goes to now (empty: nothing routed). */
    public synchronized List<String> routed() {
        return routed == null ? List.of() : List.copyOf(routed);
    }
}
