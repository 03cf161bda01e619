package io.bluegreen.cli;

import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.EventLines;
import java.io.PrintWriter;

/** Prints engine events: one line per phase start and end for people, or one JSON object per line for machines. */
final class EventPrinter implements DeployListener {
    private final PrintWriter out;
    private final boolean json;

    EventPrinter(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public synchronized void on(DeployEvent e) {
        out.println(json ? EventLines.json(e) : EventLines.human(e));
        out.flush();
    }

    static String seconds(Long ms) {
        return EventLines.seconds(ms);
    }
}
