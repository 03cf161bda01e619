package io.bluegreen.core.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Passes every event on and keeps what a CI build's summary shows of a release's control: each canary step with its
 * outcome, and each hook's outcome (pre-promotion, post-promotion, onFailure). The lines are the events' own messages,
 * redacted where they were made; the runner names these events ("canary step: ...", "pre-promotion hook ...").
 */
public final class ReleaseStepLog implements DeployListener {
    private final DeployListener next;
    private final List<String> lines = new ArrayList<>();
    /** The canary step whose phase runs now (its hooks' lines come before its end). */
    private String canary;

    public ReleaseStepLog(DeployListener next) {
        this.next = next;
    }

    @Override
    public void on(DeployEvent e) {
        next.on(e);
        String m = e.message() == null ? "" : e.message();
        switch (e.type()) {
            case "phase-start" -> canary = m.startsWith("canary step:") ? m : null;
            case "phase-end" -> ended(canary == null ? null : canary + ": ok, " + EventLines.seconds(e.durationMs()));
            case "phase-failed" -> ended(canary != null ? canary + ": failed: " + m : isHook(m) ? m : null);
            case "progress", "warning" -> {
                if (isHook(m)) {
                    lines.add(m);
                }
            }
            default -> { }
        }
    }

    /** The lines kept so far, in order. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    private void ended(String line) {
        if (line != null) {
            lines.add(line);
        }
        canary = null;
    }

    private static boolean isHook(String m) {
        return m.startsWith("pre-promotion hook") || m.startsWith("post-promotion") || m.startsWith("onFailure hook");
    }
}
