package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.TrafficRouter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Takes replicas out of service for good: deregistered from Consul first, so nothing routes to a stopping one. */
final class Retirer {
    /** How long a stop may take before the retire says what it waits on: an app that honours SIGTERM is gone by then. */
    static final Duration SLOW_STOP = Duration.ofSeconds(2);
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "retire-watch");
        t.setDaemon(true);
        return t;
    });
    private final Systems sys;

    Retirer(Systems sys) {
        this.sys = sys;
    }

    void retire(String service, List<Replica> replicas, EventSink events) {
        if (replicas.isEmpty()) {
            return;
        }
        for (Replica r : replicas) {
            sys.registry().deregister(service, r.id());
        }
        Set<String> ids = replicas.stream().map(Replica::id).collect(java.util.stream.Collectors.toSet());
        ScheduledFuture<?> slow = WATCH.schedule(() -> stillStopping(service, ids, events), SLOW_STOP.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            sys.cluster().remove(replicas);
        } finally {
            slow.cancel(false);
        }
        events.progress("retired " + replicas.size() + " replica(s): "
                + String.join(", ", replicas.stream().map(Replica::id).toList()));
    }

    /**
     * Said once when replicas are still running {@link #SLOW_STOP} after their stop signal: an app that ignores it is
     * killed only when its stop timeout runs out, and that wait is the retire's, not the traffic's (it has none left).
     */
    private void stillStopping(String service, Set<String> ids, EventSink events) {
        try {
            List<String> running = sys.cluster().list(service).stream().filter(r -> ids.contains(r.id()) && r.running())
                    .map(Replica::id).toList();
            if (!running.isEmpty()) {
                events.progress("waiting on " + String.join(", ", running) + ": still running " + SLOW_STOP.toSeconds()
                        + "s after the stop signal, which it may ignore (a shell-form entrypoint, a server with no init as"
                        + " PID 1); the engine kills it when its stop timeout runs out (spec stop.timeout, Docker's"
                        + " default 10s)");
            }
        } catch (RuntimeException e) {
            // only a message: the removal itself reports what failed
        }
    }

    /**
     * After a commit (or finishing one a dead runner had committed): every replica and registration of the service
     * that the state in KV no longer names goes, the routed ones drained first. Reading the state here, not trusting
     * the caller's, makes a second run find nothing left to do.
     */
    void retireUnlisted(String service, TrafficRouter router, Duration drain, EventSink events) {
        ServiceState state = sys.store().readState(service).value();
        Set<String> named = state.replicaIds();
        List<Replica> unlisted = sys.cluster().list(service).stream().filter(r -> !named.contains(r.id())).toList();
        // The last look before anything goes: what the router still sends production traffic to stays.
        List<Replica> serving = LiveTraffic.serving(unlisted, router);
        List<Replica> stale = unlisted.stream().filter(r -> !serving.contains(r)).toList();
        Drainer.drain(router, stale.stream().filter(Replica::running).map(Replica::endpoint)
                .filter(java.util.Objects::nonNull).toList(), drain, events);
        retire(service, stale, events);
        Set<String> kept = serving.stream().map(Replica::id).collect(java.util.stream.Collectors.toSet());
        for (Instance i : sys.registry().instances(service)) {
            if (!named.contains(i.id()) && !kept.contains(i.id())) {
                sys.registry().deregister(service, i.id());
            }
        }
        if (!serving.isEmpty()) {
            throw new UntrustedStateException(LiveTraffic.disagreement(state, serving, router, "retiring them"));
        }
    }
}
