package io.bluegreen.core.engine;

/**
 * A command the tool suggests, written as a newcomer can type it in the project's folder (the launcher is
 * {@code bin/bluegreen}; a bare {@code bluegreen} is "command not found" there). The one place that spells it.
 */
public final class CommandHint {
    public static final String LAUNCHER = "bin/bluegreen";

    private CommandHint() {
    }

    /** {@code of("promote -s vote")} is "`bin/bluegreen promote -s vote`". */
    public static String of(String arguments) {
        return "`" + LAUNCHER + " " + arguments + "`";
    }
}
