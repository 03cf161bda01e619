package io.bluegreen.core.spec;

import java.time.Duration;

/**
 * The Consul HTTP check every replica gets, and the gate: {@code passes} successes in a row per
 * replica, all within {@code deadline}.
 */
public record HealthSpec(String path, Duration interval, Duration timeout, int passes, Duration deadline) {
    /** Consul runs no check more often than this: a shorter interval is raised to it (with only a log warning). */
    public static final Duration CONSUL_MIN_INTERVAL = Duration.ofSeconds(1);

    /** How often Consul really runs the check; a recipe written before the spec refused shorter intervals may say less. */
    public Duration effectiveInterval() {
        return interval.compareTo(CONSUL_MIN_INTERVAL) < 0 ? CONSUL_MIN_INTERVAL : interval;
    }
}
