package io.bluegreen.core.engine;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Engine events as one line for people: the CLI's terminal and a Jenkins build log read the same. */
public final class EventLines {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private EventLines() {
    }

    public static String human(DeployEvent e) {
        String time = TIME.format(Instant.parse(e.at()));
        String phase = e.phase() == null ? "" : String.format("%-9s", e.phase());
        return switch (e.type()) {
            case "phase-start" -> time + " > " + phase + " " + e.message();
            case "phase-end" -> time + " < " + phase + " done in " + seconds(e.durationMs());
            case "phase-failed" -> time + " ! " + phase + " FAILED after " + seconds(e.durationMs()) + ": " + e.message();
            case "warning" -> time + " ! " + phase + " warning: " + e.message();
            case "result" -> time + " = " + e.message();
            default -> time + "   " + phase + "   " + e.message();
        };
    }

    /** "1.2s", or "?" when unknown. */
    public static String seconds(Long ms) {
        return ms == null ? "?" : String.format("%.1fs", ms / 1000.0);
    }
}
