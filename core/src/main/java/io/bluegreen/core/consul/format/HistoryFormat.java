package io.bluegreen.core.consul.format;

import io.bluegreen.core.engine.Actor;
import io.bluegreen.core.engine.FlipFigures;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.OperationKind;
import io.bluegreen.core.engine.Phase;
import io.bluegreen.core.engine.Recipe;
import io.bluegreen.core.spec.InvalidSpecException;
import io.bluegreen.core.spec.SpecNode;
import io.bluegreen.core.spec.SpecReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code bluegreen/S/history/ID}'s body, mapped to and from {@link HistoryRecord}. Its recipe starts containers on
 * {@code rollback --to}, and its texts reach a terminal: both are checked (no control characters but line breaks).
 */
final class HistoryFormat {
    private static final Pattern KINDS = Pattern.compile(String.join("|",
            Arrays.stream(OperationKind.values()).map(OperationKind::label).toList()) + "|" + HistoryRecord.HEAL);
    /** An operation's {@code Outcome}, or how a heal ended (healed, handed-off, skipped, ...). */
    private static final Pattern OUTCOMES = Pattern.compile("[a-z][a-z-]{0,31}");
    private static final Pattern PHASES = Pattern.compile(String.join("|",
            Arrays.stream(Phase.values()).map(Phase::label).toList()));
    private static final Pattern PHASE_OUTCOMES = Pattern.compile("ok|failed");
    private static final int MAX_TEXT = 65_536;
    private static final long MAX_MS = 366L * 24 * 3600 * 1000;

    private HistoryFormat() {
    }

    static Map<String, Object> write(HistoryRecord r) {
        FlipFigures f = r.flip();
        return new Tree().put("id", r.id()).put("kind", r.kind()).put("outcome", r.outcome()).put("service", r.service())
                .put("version", r.version()).put("color", r.color()).put("previousColor", r.previousColor())
                .put("image", r.image()).put("digest", r.digest()).put("startedAt", r.startedAt()).put("endedAt", r.endedAt())
                .put("durationMs", r.durationMs()).put("reason", r.reason())
                .put("phases", r.phases() == null ? null : r.phases().stream().map(p -> Map.<String, Object>of("phase",
                        p.phase(), "ms", p.ms(), "outcome", p.outcome())).toList())
                .put("flip", f == null ? null : new Tree().put("flipMs", f.flipMs()).put("requests", f.requests())
                        .put("failed", f.failed()).put("longestGapMs", f.longestGapMs()).map())
                .put("recipe", r.recipe() == null ? null : StateFormat.recipe(r.recipe())).put("actor", r.actor()).map();
    }

    static HistoryRecord read(SpecNode n, String service, String id) {
        String readId = n.matching("id", StateFormat.DEPLOY_ID, "is not an operation ID", null);
        if (readId != null && !readId.equals(id)) {
            n.problem("id", "'" + readId + "' is stored under the key of record " + id);
        }
        String kind = n.matching("kind", KINDS, "is not an operation kind", null);
        String outcome = n.matching("outcome", OUTCOMES, "is not an outcome", null);
        String named = n.matching("service", SpecReader.SERVICE, "is not a service name", null);
        if (named != null && !named.equals(service)) {
            n.problem("service", "'" + named + "' is stored under the key of " + service);
        }
        String version = n.has("version") ? n.matching("version", SpecReader.TAG, "is not a Docker tag", null) : null;
        String color = n.has("color") ? n.matching("color", StateFormat.COLOR, "is not blue or green", null) : null;
        String previousColor = n.has("previousColor")
                ? n.matching("previousColor", StateFormat.COLOR, "is not blue or green", null) : null;
        String image = n.has("image") ? StateFormat.image(n, "image") : null;
        String digest = n.has("digest") ? n.string("digest").orElse(null) : null;
        String startedAt = n.instant("startedAt", true).map(Object::toString).orElse(null);
        String endedAt = n.instant("endedAt", false).map(Object::toString).orElse(null);
        long durationMs = n.wholeNumber("durationMs", 0, MAX_MS, 0L);
        String reason = n.has("reason") ? text(n, "reason") : null;
        List<HistoryRecord.PhaseTiming> phases = new ArrayList<>();
        for (SpecNode p : n.mappings("phases")) {
            phases.add(new HistoryRecord.PhaseTiming(p.matching("phase", PHASES, "is not a phase", null),
                    p.wholeNumber("ms", 0, MAX_MS, null), p.matching("outcome", PHASE_OUTCOMES, "is not ok or failed", null)));
            p.rejectUnknown();
        }
        FlipFigures flip = n.has("flip") ? flip(n.child("flip")) : null;
        Recipe recipe = n.has("recipe") ? StateFormat.recipe(n.child("recipe")) : null;
        // Records from before the actor was kept name nobody.
        String actor = n.has("actor") ? actor(n) : null;
        n.rejectUnknown();
        return new HistoryRecord(readId, kind, outcome, named, version, color, previousColor, image, digest, startedAt,
                endedAt, durationMs, reason, List.copyOf(phases), flip, recipe, actor);
    }

    private static FlipFigures flip(SpecNode f) {
        long ms = f.wholeNumber("flipMs", 0, MAX_MS, null);
        Integer requests = f.has("requests") ? f.integer("requests", 0, Integer.MAX_VALUE, null) : null;
        Integer failed = f.has("failed") ? f.integer("failed", 0, Integer.MAX_VALUE, null) : null;
        Long gap = f.has("longestGapMs") ? f.wholeNumber("longestGapMs", 0, MAX_MS, null) : null;
        f.rejectUnknown();
        return new FlipFigures(ms, requests, failed, gap);
    }

    /** One line, as {@link Actor} allows it: it reaches a terminal and the dashboard. */
    private static String actor(SpecNode n) {
        try {
            return new Actor(n.string("actor").orElse("")).name();
        } catch (InvalidSpecException e) {
            n.problem("actor", "is not 1 to " + Actor.MAX_LENGTH + " characters on one line");
            return null;
        }
    }

    private static String text(SpecNode n, String key) {
        String s = n.string(key).orElse(null);
        if (s != null && (s.length() > MAX_TEXT || s.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t'))) {
            n.problem(key, "holds control characters or is longer than " + MAX_TEXT + " characters");
            return null;
        }
        return s;
    }
}
