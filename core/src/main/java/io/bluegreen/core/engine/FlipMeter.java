package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.Prober;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Measures a flip: its duration, and what a client requesting {@code url} back to back saw meanwhile. */
final class FlipMeter {
    private static final Duration PAUSE = Duration.ofMillis(5);
    /** nginx's old workers finish after the reload is confirmed: keep probing a little after the flip. */
    private static final Duration TAIL = Duration.ofMillis(300);
    private static final Duration MAX = Duration.ofMinutes(2);

    private FlipMeter() {
    }

    static FlipFigures measure(Prober prober, Optional<URI> url, Runnable flip) {
        Optional<Prober.Probe> probe = url.map(u -> prober.start(u, MAX, PAUSE));
        long t0 = System.nanoTime();
        try {
            flip.run();
        } catch (RuntimeException e) {
            probe.ifPresent(Prober.Probe::stop);
            throw e;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (probe.isEmpty()) {
            return new FlipFigures(ms, null, null, null);
        }
        try {
            Thread.sleep(TAIL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Prober.Probe p = probe.get();
        p.stop();
        return new FlipFigures(ms, p.sent(), p.failed(), p.longestGapMs());
    }
}
