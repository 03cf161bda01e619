package io.bluegreen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.EventLines;
import java.io.PrintWriter;

/** Prints engine events: one line per phase start and end for people, or one JSON object per line for machines. */
final class EventPrinter implements DeployListener {
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
            out.println(EventLines.human(e));
        }
        out.flush();
    }

    static String seconds(Long ms) {
        return EventLines.seconds(ms);
    }
}
