package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.DeployIds;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Recipe;
import io.bluegreen.core.engine.ReplicaReplacement;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.SpecReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The corrective action. Reads health from Consul (never trusts a watch payload), waits out the grace
 * period, applies the rate limit, then replaces, fails back or redeploys through the same engine
 * operations a person would run, each under the service lock. A heal that cannot help is recorded
 * once and not retried for the same incident.
 */
public final class Healer {
    private static final String INCIDENT_NOTE = "heal-incident";
    private final Systems sys;
    private final HealSettings settings;
    private final DeployListener listener;

    public Healer(Systems sys, HealSettings settings, DeployListener listener) {
        this.sys = sys;
        this.settings = settings;
        this.listener = listener;
    }

    public HealOutcome heal(String service) {
        long t0 = System.nanoTime();
        HealDecision decision = observe(service);
        if (decision.action() == HealDecision.Action.NONE) {
            return outcome(decision, "none", decision.reason(), t0);
        }
        if (!settings.grace().isZero()) {
            say(service, "seen: " + decision.reason() + "; looking again in " + settings.grace().toMillis() + " ms");
            sleep(settings.grace().toMillis());
            HealDecision again = observe(service);
            if (again.action() == HealDecision.Action.NONE) {
                return outcome(again, "none", "recovered within the grace period: " + again.reason(), t0);
            }
            decision = again;
        }
        String incident = decision.action() + " " + (decision.color() == null ? "" : decision.color().label()) + " "
                + String.join(",", decision.failed());
        Optional<String> lastIncident = sys.store().readNote(service, INCIDENT_NOTE);
        if (lastIncident.map(l -> l.startsWith(incident + "|") && !expired(l)).orElse(false)) {
            return outcome(decision, "skipped", "already handled this incident (" + incident.trim() + ")", t0);
        }
        List<HistoryRecord> recent = sys.store().history(service, 200).stream()
                .filter(h -> h.kind().equals("heal") && !h.outcome().equals("skipped"))
                .filter(h -> Instant.parse(h.startedAt()).isAfter(Instant.now().minus(settings.window())))
                .toList();
        if (recent.size() >= settings.maxHeals()) {
            String why = recent.size() + " heals of " + service + " in the last " + settings.window().toMinutes()
                    + " min (the limit is " + settings.maxHeals() + "); not acting on: " + decision.reason();
            sys.store().writeNote(service, INCIDENT_NOTE, incident + "|" + Instant.now());
            record(service, decision, "skipped", why, t0);
            return outcome(decision, "skipped", why, t0);
        }
        sys.store().writeNote(service, INCIDENT_NOTE, incident + "|" + Instant.now());
        HealOutcome result = act(service, decision, t0);
        record(service, decision, result.outcome(), result.reason(), t0);
        return result;
    }

    private HealOutcome act(String service, HealDecision decision, long t0) {
        say(service, "acting: " + decision.action().name().toLowerCase().replace('_', '-') + " because " + decision.reason());
        try {
            if (settings.handOff().isPresent()) {
                String where = settings.handOff().get().handOff(service, decision);
                return outcome(decision, "handed-off", decision.reason() + "; " + where, t0);
            }
            switch (decision.action()) {
                case REPLACE -> new ReplicaReplacement(sys, listener)
                        .replace(service, decision.color(), decision.failed(), settings.lockWait());
                case FAIL_BACK -> {
                    new StandbyRollback(sys, listener).rollback(service);
                    // Traffic is safe on the standby; now make the failed color a warm standby again.
                    try {
                        new ReplicaReplacement(sys, listener).replace(service, decision.color(), decision.failed(), settings.lockWait());
                    } catch (RuntimeException e) {
                        return outcome(decision, "healed", decision.reason() + "; failed back, but repairing "
                                + decision.color().label() + " failed: " + e.getMessage(), t0);
                    }
                }
                case REDEPLOY -> redeploy(service);
                default -> throw new IllegalStateException("no action for " + decision.action());
            }
            return outcome(decision, "healed", decision.reason(), t0);
        } catch (RuntimeException e) {
            return outcome(decision, "failed", decision.reason() + "; the heal could not help: " + e.getMessage(), t0);
        }
    }

    /** The active version again, through the normal gated path, with the recipe and router kept in the state. */
    private void redeploy(String service) {
        ServiceState state = sys.store().readState(service).value();
        Color active = state.activeColor().orElseThrow();
        ColorState cs = state.color(active).orElseThrow();
        Recipe r = Optional.ofNullable(cs.recipe()).orElseThrow(() ->
                new IllegalStateException("the state has no recipe (deployed by an older version); redeploy by hand"));
        Map<String, String> env = sys.cluster().list(service).stream()
                .filter(x -> cs.deployId().equals(x.deployId())).findFirst()
                .map(x -> sys.cluster().userEnvironment(x)).orElse(Map.of());
        String[] repoTag = splitTag(cs.image());
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("service", service);
        tree.put("image", repoTag[0]);
        tree.put("tag", repoTag[1]);
        tree.put("replicas", cs.replicas());
        tree.put("containerPort", r.containerPort());
        tree.put("hostAddress", r.hostAddress());
        tree.put("env", new LinkedHashMap<>(env));
        // A recipe from before the spec refused sub-second intervals says what Consul really ran: at least 1s.
        tree.put("health", Map.of("path", r.healthPath(), "interval", Durations.format(
                r.health().effectiveInterval()), "timeout", r.healthTimeout(),
                "passes", r.healthPasses(), "deadline", r.healthDeadline()));
        tree.put("verify", Map.of("window", r.verifyWindow()));
        if (state.standbyKeep() != null) {
            tree.put("standby", Map.of("keep", state.standbyKeep()));
        }
        tree.put("lock", Map.of("wait", Durations.format(settings.lockWait())));
        DeploymentSpec spec = SpecReader.fromTree(tree, Path.of("/"), Map.of())
                .withTarget(state.runsOn());
        new Deployer(sys, listener).deploy(spec, sys.routerForState().apply(state.router()));
    }

    private HealDecision observe(String service) {
        return HealPolicy.decide(sys.store().readState(service).value(), sys.registry().instances(service));
    }

    private boolean expired(String note) {
        int bar = note.lastIndexOf('|');
        try {
            return Instant.parse(note.substring(bar + 1)).isBefore(Instant.now().minus(settings.window()));
        } catch (RuntimeException e) {
            return true;
        }
    }

    private void record(String service, HealDecision d, String outcome, String reason, long t0) {
        String now = Instant.now().toString();
        sys.store().appendHistory(service, new HistoryRecord(DeployIds.next(sys.clock()), "heal", outcome, service, null,
                d.color() == null ? null : d.color().label(), null, null, null,
                Instant.now().minusNanos(System.nanoTime() - t0).toString(), now, (System.nanoTime() - t0) / 1_000_000,
                sys.redactor().redact(d.action().name().toLowerCase().replace('_', '-') + ": " + reason), List.of()));
    }

    private void say(String service, String message) {
        listener.on(new io.bluegreen.core.engine.DeployEvent(Instant.now().toString(), "progress", service, null, "heal",
                sys.redactor().redact(message), null));
    }

    private static HealOutcome outcome(HealDecision d, String outcome, String reason, long t0) {
        return new HealOutcome(d.action(), outcome, reason, (System.nanoTime() - t0) / 1_000_000);
    }

    private static String[] splitTag(String imageRef) {
        int colon = imageRef.lastIndexOf(':');
        return new String[] {imageRef.substring(0, colon), imageRef.substring(colon + 1)};
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the grace period", e);
        }
    }
}
