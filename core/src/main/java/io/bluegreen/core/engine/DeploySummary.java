package io.bluegreen.core.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One deploy at a glance, for a CI build: the flip (from → to color, versions), per-phase timings, the switch's
 * figures, and the reason when it rolled back. A plain serializable class (no record), so Jenkins can send it from
 * an agent and keep it in a build's XML.
 */
public final class DeploySummary implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String service;
    private final String outcome;
    private final String deployId;
    private final String fromColor;
    private final String fromVersion;
    private final String toColor;
    private final String toVersion;
    private final String image;
    private final String digest;
    private final long durationMs;
    private final ArrayList<Timing> phases;
    private final Long flipMs;
    private final Integer requests;
    private final Integer failedRequests;
    private final Long longestGapMs;
    private final String reason;

    /** One phase's time and outcome. */
    public static final class Timing implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String phase;
        private final long ms;
        private final String outcome;

        Timing(HistoryRecord.PhaseTiming t) {
            this.phase = t.phase();
            this.ms = t.ms();
            this.outcome = t.outcome();
        }

        public String getPhase() {
            return phase;
        }

        public long getMs() {
            return ms;
        }

        public String getOutcome() {
            return outcome;
        }
    }

    private DeploySummary(String service, String outcome, String deployId, String fromColor, String fromVersion,
                          String toColor, String toVersion, String image, String digest, long durationMs,
                          List<HistoryRecord.PhaseTiming> phases, FlipFigures flip, String reason) {
        this.service = service;
        this.outcome = outcome;
        this.deployId = deployId;
        this.fromColor = fromColor;
        this.fromVersion = fromVersion;
        this.toColor = toColor;
        this.toVersion = toVersion;
        this.image = image;
        this.digest = digest;
        this.durationMs = durationMs;
        // ArrayList, not an immutable JDK list: XStream (a build's XML) reads and writes it without opening java.base.
        this.phases = phases == null ? new ArrayList<>() : new ArrayList<>(phases.stream().map(Timing::new).toList());
        this.flipMs = flip == null ? null : flip.flipMs();
        this.requests = flip == null ? null : flip.requests();
        this.failedRequests = flip == null ? null : flip.failed();
        this.longestGapMs = flip == null ? null : flip.longestGapMs();
        this.reason = reason;
    }

    /**
     * A deploy (outcome {@code deployed}) or a rollback to the standby ({@code rolled-back-to-standby}) that went
     * through; {@code fromVersion}: what the previously active color ran (null on a first deploy).
     */
    public static DeploySummary succeeded(String outcome, DeployResult r, String fromVersion) {
        return new DeploySummary(r.service(), outcome, r.deployId(), r.previousColor(), fromVersion, r.color(),
                r.version(), r.image(), r.digest(), r.durationMs(), r.phases(), r.flip(), null);
    }

    /** A deploy that failed, from its history record ({@code kind} deploy, outcome rolled-back or failed). */
    public static DeploySummary failed(HistoryRecord h, String fromVersion) {
        return new DeploySummary(h.service(), h.outcome(), h.id(), h.previousColor(), fromVersion, h.color(),
                h.version(), h.image(), h.digest(), h.durationMs(), h.phases(), h.flip(),
                h.reason() == null ? h.outcome() : h.reason());
    }

    /** What the Pipeline step returns: plain values only. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service", service);
        m.put("outcome", outcome);
        m.put("deployId", deployId);
        m.put("color", toColor);
        m.put("previousColor", fromColor);
        m.put("version", toVersion);
        m.put("previousVersion", fromVersion);
        m.put("image", image);
        m.put("imageDigest", digest);
        m.put("durationMs", durationMs);
        Map<String, Long> timings = new LinkedHashMap<>();
        phases.forEach(t -> timings.put(t.getPhase(), t.getMs()));
        m.put("phases", timings);
        m.put("flipMs", flipMs);
        m.put("requests", requests);
        m.put("failedRequests", failedRequests);
        m.put("longestGapMs", longestGapMs);
        m.values().removeIf(v -> v == null);
        return m;
    }

    /** "vote: blue (v1) → green (v2)"; a first deploy has no "from". */
    public String getFlip() {
        String to = toColor + " (" + toVersion + ")";
        return service + ": " + (fromColor == null ? to : fromColor + " (" + (fromVersion == null ? "?" : fromVersion)
                + ") → " + to);
    }

    /** "flip 12 ms, 0 of 41 requests failed, longest gap 9 ms", or null without a flip. */
    public String getSwitchFigures() {
        return flipMs == null ? null : new FlipFigures(flipMs, requests, failedRequests, longestGapMs).summary();
    }

    /** False when the operation failed (and was rolled back, or left for a person: see the reason). */
    public boolean isSucceeded() {
        return reason == null;
    }

    public String getService() {
        return service;
    }

    public String getOutcome() {
        return outcome;
    }

    public String getDeployId() {
        return deployId;
    }

    public String getImage() {
        return image;
    }

    public String getDigest() {
        return digest;
    }

    public long getDurationMs() {
        return durationMs;
    }

    public List<Timing> getPhases() {
        return phases;
    }

    public String getReason() {
        return reason;
    }
}
