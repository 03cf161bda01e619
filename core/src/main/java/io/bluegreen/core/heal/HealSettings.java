package io.bluegreen.core.heal;

import java.time.Duration;
import java.util.Optional;

/**
 * Flap protection and hand-off: a failure must outlast {@code grace} before anything acts; at most
 * {@code maxHeals} heals per service per {@code window}; {@code handOff} (a Jenkins job) acts instead of
 * the tool when set.
 */
public record HealSettings(Duration grace, int maxHeals, Duration window, Duration lockWait, Optional<HealHandOff> handOff) {

    public static HealSettings defaults() {
        return new HealSettings(Duration.ofSeconds(3), 3, Duration.ofMinutes(10), Duration.ofSeconds(60), Optional.empty());
    }
}
