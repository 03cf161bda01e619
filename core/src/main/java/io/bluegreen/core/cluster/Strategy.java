package io.bluegreen.core.cluster;

import java.util.Locale;
import java.util.Optional;

/** How the replicas of a color are spread over the engines that may hold them (Swarm classic's strategies). */
public enum Strategy {
    /** Fewest replicas of this service first, then fewest containers: a lost engine takes the fewest replicas with it. */
    SPREAD,
    /** The most loaded engine that still fits: keeps whole engines free for what needs them. */
    BINPACK,
    /** Any engine that fits. */
    RANDOM;

    public static Optional<Strategy> parse(String text) {
        for (Strategy s : values()) {
            if (s.name().equalsIgnoreCase(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
