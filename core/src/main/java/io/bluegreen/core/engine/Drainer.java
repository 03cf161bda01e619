package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.Durations;
import java.time.Duration;
import java.util.List;

/**
 * Before replicas stop: waits until the proxy has no request in flight to them; only once the drain timeout has passed
 * does it have the proxy cut what is left.
 */
final class Drainer {
    private static final long POLL_MS = 50;

    private Drainer() {
    }

    static void drain(TrafficRouter router, List<Endpoint> endpoints, Duration timeout, EventSink events) {
        if (endpoints.isEmpty() || timeout.isZero()) {
            return;
        }
        long t0 = System.nanoTime();
        long end = t0 + timeout.toNanos();
        int n = router.inFlight(endpoints);
        if (n == 0) {
            return;
        }
        events.progress("draining " + n + " request(s) in flight through " + router.describe() + " (at most "
                + Durations.format(timeout) + ")");
        while (n > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            n = router.inFlight(endpoints);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (n == 0) {
            events.progress("drained in " + ms + " ms");
            return;
        }
        router.cutInFlight(endpoints);
        events.progress(n + " request(s) still in flight after the drain timeout of " + Durations.format(timeout)
                + "; cut at the proxy, stopping anyway");
    }
}
