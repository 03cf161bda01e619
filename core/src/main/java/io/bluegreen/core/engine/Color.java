package io.bluegreen.core.engine;

import java.util.Locale;

public enum Color {
    BLUE, GREEN;

    public Color other() {
        return this == BLUE ? GREEN : BLUE;
    }

    /** The lower-case name used in container names, labels, Consul tags and KV. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Color of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
