package io.bluegreen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployListener;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Prints engine events: one line per phase start and end for people, or one JSON object per line for machines. */
final class EventPrinter implements DeployListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintWriter out;
    private final boolean json;

    EventPrinter(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public synchronized void on(DeployEvent e) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(e));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        } else {
            out.println(human(e));
        }
        out.flush();
    }

    private static String human(DeployEvent e) {
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

    static String seconds(Long ms) {
        return ms == null ? "?" : String.format("%.1fs", ms / 1000.0);
    }
}
