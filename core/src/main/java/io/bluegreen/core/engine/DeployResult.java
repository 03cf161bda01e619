package io.bluegreen.core.engine;

import java.util.List;

/** What a successful deploy did; the Jenkins step returns it as a map. */
public record DeployResult(String service, String deployId, String color, String previousColor, String version,
                           String image, String digest, long durationMs, List<HistoryRecord.PhaseTiming> phases,
                           List<String> warnings) {
}
