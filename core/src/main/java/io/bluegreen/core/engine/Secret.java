package io.bluegreen.core.engine;

/** A value that must never be printed: its {@code toString} hides it, so a stray log line cannot leak it. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    /** The only way to read the value; call it where the value is handed to the system that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
