package io.bluegreen.core.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class DeploySummaryTest {
    private static final List<HistoryRecord.PhaseTiming> PHASES = List.of(new HistoryRecord.PhaseTiming("gate", 1200, "ok"),
            new HistoryRecord.PhaseTiming("flip", 15, "ok"));

    @Test
    public void aDeployShowsTheFlipVersionsAndFigures() {
        DeploySummary s = DeploySummary.succeeded("deployed", new DeployResult("vote", "d1", "green", "blue", "v2",
                "127.0.0.1:5000/vote:v2", "sha256:abc", 4000, PHASES, List.of(), new FlipFigures(12, 41, 0, 9L), false, null), "v1",
                List.of());
        assertTrue(s.isSucceeded());
        assertEquals("vote: blue (v1) → green (v2)", s.getFlip());
        assertEquals("flip 12 ms, 0 of 41 requests failed, longest gap 9 ms", s.getSwitchFigures());
        Map<String, Object> m = s.asMap();
        assertEquals("green", m.get("color"));
        assertEquals("blue", m.get("previousColor"));
        assertEquals("v1", m.get("previousVersion"));
        assertEquals("sha256:abc", m.get("imageDigest"));
        assertEquals(0, m.get("failedRequests"));
        assertEquals(Map.of("gate", 1200L, "flip", 15L), m.get("phases"));
    }

    /** The build page shows the digest short (the whole one made its table wider than the page); the map keeps it whole. */
    @Test
    public void theDigestIsShownShortAndKeptWhole() {
        String digest = "sha256:af5e0b605e4f9759d904caf36609120ee2b9740e4f46470a8c2c1f4d3e2b1a09";
        DeploySummary s = DeploySummary.succeeded("deployed", new DeployResult("vote", "d1", "blue", null, "v1",
                "127.0.0.1:5000/vote:v1", digest, 3000, PHASES, List.of()), null, List.of());
        assertEquals("sha256:af5e0b605e4f", s.getShortDigest());
        assertEquals(digest, s.asMap().get("imageDigest"));
        assertNull(DeploySummary.succeeded("deployed", new DeployResult("vote", "d1", "blue", null, "v1",
                "127.0.0.1:5000/vote:v1", null, 3000, PHASES, List.of()), null, List.of()).getShortDigest());
    }

    @Test
    public void aFirstDeployHasNoFromAndNoFigures() {
        DeploySummary s = DeploySummary.succeeded("deployed", new DeployResult("vote", "d1", "blue", null, "v1",
                "127.0.0.1:5000/vote:v1", null, 3000, PHASES, List.of()), null, List.of());
        assertEquals("vote: blue (v1)", s.getFlip());
        assertNull(s.getSwitchFigures());
        assertFalse(s.asMap().containsKey("previousColor"));
        assertFalse(s.asMap().containsKey("flipMs"));
    }

    @Test
    public void aRolledBackDeployCarriesItsReason() throws Exception {
        HistoryRecord h = new HistoryRecord("d3", "deploy", "rolled-back", "vote", "v3", "blue", "green",
                "127.0.0.1:5000/vote:v3", null, "2026-01-01T00:00:00Z", "2026-01-01T00:00:30Z", 30000,
                "gate: 0 of 2 replicas passed within 30s", PHASES, null, null, null);
        DeploySummary s = DeploySummary.failed(h, "v2", List.of("pre-promotion hook failed: GET http://127.0.0.1:18081/ (expect 200): request 1 of 1 answered 500"));
        assertFalse(s.isSucceeded());
        assertEquals("rolled-back", s.getOutcome());
        assertEquals("gate: 0 of 2 replicas passed within 30s", s.getReason());
        assertEquals("vote: green (v2) → blue (v3)", s.getFlip());
        // Jenkins sends it from the agent: it must survive Java serialization.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        DeploySummary back = (DeploySummary) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertEquals(s.asMap(), back.asMap());
        assertEquals(2, back.getPhases().size());
        assertEquals(s.getReleaseSteps(), back.getReleaseSteps());
    }

    @Test
    public void aDeployInPreviewSaysWhereAndKeepsItsSteps() {
        ReleaseStepLog log = new ReleaseStepLog(e -> { });
        event(log, "phase-start", "routing green to the preview route, nginx upstream file x", null);
        event(log, "phase-end", "done", 80L);
        event(log, "progress", "pre-promotion hook GET http://127.0.0.1:18081/ (expect 200): 1 of 1 answered 200", null);
        event(log, "phase-start", "canary step: 25% of production traffic to green for 10s", null);
        event(log, "progress", "post-promotion (at 25%) hook run smoke.sh: exit 0", null);
        event(log, "phase-end", "done", 10_020L);
        event(log, "phase-start", "canary step: 50% of production traffic to green for 10s", null);
        event(log, "phase-failed", "1 of 2 replicas of green failed their check", 3_000L);
        event(log, "warning", "onFailure hook failed: POST http://127.0.0.1:9/ (expect 200): request 1 of 1 failed", null);
        assertEquals(List.of("pre-promotion hook GET http://127.0.0.1:18081/ (expect 200): 1 of 1 answered 200",
                "post-promotion (at 25%) hook run smoke.sh: exit 0",
                "canary step: 25% of production traffic to green for 10s: ok, 10.0s",
                "canary step: 50% of production traffic to green for 10s: failed: 1 of 2 replicas of green failed their check",
                "onFailure hook failed: POST http://127.0.0.1:9/ (expect 200): request 1 of 1 failed"), log.lines());

        DeploySummary s = DeploySummary.succeeded("deployed", new DeployResult("vote", "d1", "green", "blue", "v2",
                "127.0.0.1:5000/vote:v2", null, 4000, PHASES, List.of(), null, true, "http://127.0.0.1:18081/"), "v1",
                log.lines());
        assertEquals("in-preview", s.getOutcome());
        assertEquals("vote: green (v2) in preview at http://127.0.0.1:18081/; blue (v1) keeps production", s.getFlip());
        Map<String, Object> m = s.asMap();
        assertEquals(true, m.get("inPreview"));
        assertEquals("http://127.0.0.1:18081/", m.get("previewUrl"));
        assertEquals(log.lines(), m.get("releaseSteps"));
    }

    private static void event(ReleaseStepLog log, String type, String message, Long ms) {
        log.on(new DeployEvent("2026-01-01T00:00:00Z", type, "vote", "d1", "flip", message, ms));
    }
}
