package io.bluegreen.core.engine;

import java.util.List;

/** What a successful deploy did; the Jenkins step returns it as a map. {@code flip}: the measured switch, if any. */
public record DeployResult(String service, String deployId, String color, String previousColor, String version,
                           String image, String digest, long durationMs, List<HistoryRecord.PhaseTiming> phases,
                           List<String> warnings, FlipFigures flip) {

    /** A result without flip figures. */
    public DeployResult(String service, String deployId, String color, String previousColor, String version,
                        String image, String digest, long durationMs, List<HistoryRecord.PhaseTiming> phases,
                        List<String> warnings) {
        this(service, deployId, color, previousColor, version, image, digest, durationMs, phases, warnings, null);
    }

    /** What `bluegreen rollback` says when done, wherever it ran: "vote is back on blue (v1) after 0.2s". */
    public String backOn() {
        return service + " is back on " + color + " (" + version + ") after " + EventLines.seconds(durationMs);
    }
}
