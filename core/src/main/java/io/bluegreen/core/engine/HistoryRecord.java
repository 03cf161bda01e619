package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code bluegreen/S/history/<id>}: one deploy, rollback or repair, whatever its outcome. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryRecord(String id, String kind, String outcome, String service, String version, String color,
                            String previousColor, String image, String digest, String startedAt, String endedAt,
                            long durationMs, String reason, List<PhaseTiming> phases) {

    public record PhaseTiming(String phase, long ms, String outcome) {
    }
}
