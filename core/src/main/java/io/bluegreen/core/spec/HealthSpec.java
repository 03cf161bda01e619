package io.bluegreen.core.spec;

import java.time.Duration;

/**
 * The Consul HTTP check every replica gets, and the gate: {@code passes} successes in a row per
 * replica, all within {@code deadline}.
 */
public record HealthSpec(String path, Duration interval, Duration timeout, int passes, Duration deadline) {
}
