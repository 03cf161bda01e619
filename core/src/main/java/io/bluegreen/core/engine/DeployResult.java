package io.bluegreen.core.engine;

import java.util.List;

/**
 * What a successful deploy did; the Jenkins step returns it as a map. {@code flip}: the measured switch, if any;
 * {@code inPreview}: the new color waits in preview for its promotion (at {@code previewUrl}, when the spec names one).
 */
public record DeployResult(String service, String deployId, String color, String previousColor, String version,
                           String image, String digest, long durationMs, List<HistoryRecord.PhaseTiming> phases,
                           List<String> warnings, FlipFigures flip, boolean inPreview, String previewUrl) {

    /** A result without flip figures. */
    public DeployResult(String service, String deployId, String color, String previousColor, String version,
                        String image, String digest, long durationMs, List<HistoryRecord.PhaseTiming> phases,
                        List<String> warnings) {
        this(service, deployId, color, previousColor, version, image, digest, durationMs, phases, warnings, null, false, null);
    }

    /** What `bluegreen rollback` says when done, wherever it ran: "vote is back on blue (v1) after 0.2s". */
    public String backOn() {
        return service + " is back on " + color + " (" + version + ") after " + EventLines.seconds(durationMs);
    }
}
