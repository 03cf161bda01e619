package io.bluegreen.core.heal;

import java.net.URI;
import java.time.Duration;

/**
 * The heal server's trend rule: every {@code interval}, each active replica's latency and 5xx share (HAProxy's exporter
 * through {@code prometheus}, the 5xx share over {@code window}) against its siblings'. A replica worse than
 * {@code ratio} times the median of its siblings, and above the floor ({@code latencyFloor}, {@code errorFloor}), in
 * {@code rounds} rounds in a row, is replaced while it still passes its check.
 */
public record TrendSettings(URI prometheus, Duration interval, Duration window, double ratio, Duration latencyFloor,
                            double errorFloor, int rounds) {

    public static TrendSettings defaults(URI prometheus) {
        return new TrendSettings(prometheus, Duration.ofSeconds(2), Duration.ofSeconds(30), 3.0, Duration.ofMillis(100), 0.05, 2);
    }
}
