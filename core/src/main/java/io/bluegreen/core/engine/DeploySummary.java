package io.bluegreen.core.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One deploy at a glance, for a CI build: the flip (from → to color, versions), per-phase timings, the switch's
 * figures, the preview it waits in, its canary steps and hooks, and the reason when it rolled back. A plain serializable class (no record), so Jenkins can send it from
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
    private final boolean inPreview;
    private final String previewUrl;
    private final ArrayList<String> releaseSteps;

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
                          List<HistoryRecord.PhaseTiming> phases, FlipFigures flip, String reason, boolean inPreview,
                          String previewUrl, List<String> releaseSteps) {
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
        this.inPreview = inPreview;
        this.previewUrl = previewUrl;
        this.releaseSteps = new ArrayList<>(releaseSteps);
    }

    /**
     * An operation that went through: a deploy ({@code deployed}; {@code in-preview} when it waits for its promotion),
     * a promotion ({@code promoted}), an abort ({@code aborted}), a rollback to the standby
     * ({@code rolled-back-to-standby}); {@code fromVersion}: what the active color ran before (null on a first deploy);
     * {@code releaseSteps}: its canary steps and hooks ({@link ReleaseStepLog}).
     */
    public static DeploySummary succeeded(String outcome, DeployResult r, String fromVersion, List<String> releaseSteps) {
        return new DeploySummary(r.service(), r.inPreview() ? Outcome.IN_PREVIEW.label() : outcome, r.deployId(),
                r.previousColor(), fromVersion, r.color(), r.version(), r.image(), r.digest(), r.durationMs(), r.phases(),
                r.flip(), null, r.inPreview(), r.previewUrl(), releaseSteps);
    }

    /** An operation that failed, from its history record (outcome rolled-back or failed). */
    public static DeploySummary failed(HistoryRecord h, String fromVersion, List<String> releaseSteps) {
        return new DeploySummary(h.service(), h.outcome(), h.id(), h.previousColor(), fromVersion, h.color(),
                h.version(), h.image(), h.digest(), h.durationMs(), h.phases(), h.flip(),
                h.reason() == null ? h.outcome() : h.reason(), false, null, releaseSteps);
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
        m.put("inPreview", inPreview);
        m.put("previewUrl", previewUrl);
        m.put("releaseSteps", releaseSteps.isEmpty() ? null : new ArrayList<>(releaseSteps));
        m.values().removeIf(v -> v == null);
        return m;
    }

    /**
     * "vote: blue (v1) → green (v2)"; a first deploy has no "from"; a color in preview, or dropped from it, did not
     * take production: "vote: green (v2) in preview at http://127.0.0.1:18081/; blue (v1) keeps production".
     */
    public String getFlip() {
        String to = toColor + " (" + toVersion + ")";
        String from = fromColor == null ? null : fromColor + " (" + (fromVersion == null ? "?" : fromVersion) + ")";
        boolean aborted = outcome.equals("aborted");
        if (inPreview || aborted) {
            return service + ": " + to + (aborted ? " dropped from preview" : " in preview" + (previewUrl == null ? ""
                    : " at " + previewUrl)) + (from == null ? "" : "; " + from + " keeps production");
        }
        return service + ": " + (from == null ? to : from + " → " + to);
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

    /** The digest as people compare it ({@code sha256:} and 12 hex digits); null when there is none. */
    public String getShortDigest() {
        if (digest == null) {
            return null;
        }
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
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

    public boolean isInPreview() {
        return inPreview;
    }

    public String getPreviewUrl() {
        return previewUrl;
    }

    /** Each canary step with its outcome and each hook's outcome, in order (none in a build kept before they were). */
    public List<String> getReleaseSteps() {
        return releaseSteps == null ? List.of() : releaseSteps;
    }
}
