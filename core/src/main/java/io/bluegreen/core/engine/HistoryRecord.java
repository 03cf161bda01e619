package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code bluegreen/S/history/<id>}: one deploy, rollback or repair, whatever its outcome. {@code flip} holds the
 * measured switch of a deploy that flipped; records written before it existed, and operations without a flip,
 * have none. {@code recipe}: how a release's replicas were started (records before it existed have none).
 * {@code actor}: who ran it ({@link Actor}; records before it existed name nobody).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryRecord(String id, String kind, String outcome, String service, String version, String color,
                            String previousColor, String image, String digest, String startedAt, String endedAt,
                            long durationMs, String reason, List<PhaseTiming> phases, FlipFigures flip, Recipe recipe,
                            String actor) {

    /** The kind of a heal server's record: what it decided and how that ended (the transition it ran has its own). */
    public static final String HEAL = "heal";

    /** The one way records are made: {@code of(...)} names the operation, the setters say what it acted on. */
    public static Builder of(String id, String kind, String service) {
        return new Builder(id, kind, service);
    }

    public static final class Builder {
        private final String id;
        private final String kind;
        private final String service;
        private String outcome;
        private String version;
        private String color;
        private String previousColor;
        private String image;
        private String digest;
        private String startedAt;
        private long startNanos = System.nanoTime();
        private String reason;
        private List<PhaseTiming> phases = List.of();
        private FlipFigures flip;
        private Recipe recipe;
        private String actor;

        private Builder(String id, String kind, String service) {
            this.id = id;
            this.kind = kind;
            this.service = service;
        }

        public Builder outcome(String o) {
            outcome = o;
            return this;
        }

        /** What it released or acted on: version, image and digest. */
        public Builder release(String v, String i, String d) {
            version = v;
            image = i;
            digest = d;
            return this;
        }

        public Builder colors(String to, String from) {
            color = to;
            previousColor = from;
            return this;
        }

        /** When it started, as an instant and as {@code System.nanoTime()} for its duration. */
        public Builder started(String at, long nanos) {
            startedAt = at;
            startNanos = nanos;
            return this;
        }

        /** Already redacted. */
        public Builder reason(String r) {
            reason = r;
            return this;
        }

        public Builder phases(List<PhaseTiming> p) {
            phases = List.copyOf(p);
            return this;
        }

        public Builder flip(FlipFigures f) {
            flip = f;
            return this;
        }

        /** How the release was started, so `rollback --to` can start it again the same way. */
        public Builder recipe(Recipe r) {
            recipe = r;
            return this;
        }

        /** Who ran it. */
        public Builder by(Actor a) {
            actor = a.name();
            return this;
        }

        public HistoryRecord build(String endedAt) {
            return new HistoryRecord(id, kind, outcome, service, version, color, previousColor, image, digest, startedAt,
                    endedAt, (System.nanoTime() - startNanos) / 1_000_000, reason, phases, flip, recipe, actor);
        }
    }

    public record PhaseTiming(String phase, long ms, String outcome) {
    }
}
