package io.bluegreen.core.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Engine events as one line: for people (the CLI's terminal and a Jenkins build log read the same) or one JSON object
 * for machines ({@code --json}, wherever the operation ran: in the CLI or in the heal server).
 */
public final class EventLines {
    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** {@code at}, {@code type}, {@code service}, {@code deployId}, {@code phase}, {@code message}, {@code durationMs}. */
    public static String json(DeployEvent e) {
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("an event that cannot be written as JSON: " + ex.getMessage(), ex);
        }
    }

    /** "1.2s", or "?" when unknown. */
    public static String seconds(Long ms) {
        return ms == null ? "?" : String.format("%.1fs", ms / 1000.0);
    }
}
