package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code bluegreen/S/history/<id>}: one deploy, rollback or repair, whatever its outcome. {@code flip} holds the
 * measured switch of a deploy that flipped; records written before it existed, and operations without a flip,
 * have none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryRecord(String id, String kind, String outcome, String service, String version, String color,
                            String previousColor, String image, String digest, String startedAt, String endedAt,
                            long durationMs, String reason, List<PhaseTiming> phases, FlipFigures flip) {

    /** A record without flip figures. */
    public HistoryRecord(String id, String kind, String outcome, String service, String version, String color,
                         String previousColor, String image, String digest, String startedAt, String endedAt,
                         long durationMs, String reason, List<PhaseTiming> phases) {
        this(id, kind, outcome, service, version, color, previousColor, image, digest, startedAt, endedAt, durationMs,
                reason, phases, null);
    }

    public record PhaseTiming(String phase, long ms, String outcome) {
    }
}
