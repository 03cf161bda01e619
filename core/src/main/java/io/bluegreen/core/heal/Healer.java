package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Cancellation;
import io.bluegreen.core.engine.DeployEvent;
import io.bluegreen.core.engine.DeployIds;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.OperationKind;
import io.bluegreen.core.engine.Promotion;
import io.bluegreen.core.engine.Redeployment;
import io.bluegreen.core.engine.ReplicaReplacement;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.TransitionRunner;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The corrective action. Observes the service (never trusts a watch payload), waits out the grace period, applies
 * the rate limit, then replaces, fails back or redeploys through the same transition runner a person's operations
 * take, each under the service lock. A heal that cannot help is recorded once and not retried for the same
 * incident. A heal in progress can be interrupted ({@link Run#cancel}) for a more urgent one.
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

    /**
     * One heal as the heal loop sees it: what it acts on (null until it acts) and the means to interrupt it. An
     * urgent run (started by preemption: the situation was already seen) skips the grace period.
     */
    public static final class Run {
        private final Cancellation cancel = new Cancellation();
        private final boolean urgent;
        private volatile int urgency;

        public Run(boolean urgent) {
            this.urgent = urgent;
        }

        /** How urgent what it acts on now is ({@link HealPolicy#urgency}); 0 while it has not acted. */
        public int urgency() {
            return urgency;
        }

        public void cancel(String why) {
            cancel.cancel(why);
        }
    }

    public HealOutcome heal(String service) {
        return heal(service, new Run(false));
    }

    /** How often a one-shot heal that failed looks again before it gives up (each look acts only if something still failed). */
    static final int MAX_LOOKS_AGAIN = 2;

    /**
     * A one-shot heal, as a watch's script handler runs it: no further watch event may come for what happened during a
     * heal that failed (a cascade: the rest died while a replacement gated), so it looks again at once, a bounded
     * number of times, skipping the grace period (the failure was already seen). {@code each} gets every outcome;
     * the last is returned.
     */
    public HealOutcome healOnce(String service, Consumer<HealOutcome> each) {
        HealOutcome o = heal(service);
        each.accept(o);
        for (int again = 0; again < MAX_LOOKS_AGAIN && o.failed(); again++) {
            o = heal(service, new Run(true));
            each.accept(o);
        }
        return o;
    }

    public HealOutcome heal(String service, Run run) {
        long t0 = System.nanoTime();
        HealDecision decision = observe(service);
        if (decision.action() == HealDecision.Action.NONE) {
            // Nothing failed, but a journal nobody can read is an interrupted operation nobody can finish: said, not
            // hidden behind "nothing to heal" (a fail-back would still go on without it; see TransitionRunner).
            sys.store().readJournal(service);
            return outcome(decision, HealOutcome.Result.NONE, decision.reason(), t0);
        }
        if (!settings.grace().isZero() && !run.urgent) {
            say(service, "seen: " + decision.reason() + "; looking again in " + settings.grace().toMillis() + " ms");
            sleep(settings.grace().toMillis());
            HealDecision again = observe(service);
            if (again.action() == HealDecision.Action.NONE) {
                return outcome(again, HealOutcome.Result.NONE, "recovered within the grace period: " + again.reason(), t0);
            }
            decision = again;
        }
        return actLimited(service, decision, run, t0);
    }

    /**
     * A heal a trend rule decided (a replica degrading while it still passes): the trend was already held over its
     * window, so no grace period; the incident note and the rate limit apply as to any heal.
     */
    public HealOutcome healTrend(String service, HealDecision decision, Run run) {
        return actLimited(service, decision, run, System.nanoTime());
    }

    /** Once per incident, within the rate limit: acts, notes the incident, records the heal. */
    private HealOutcome actLimited(String service, HealDecision decision, Run run, long t0) {
        String incident = decision.action() + " " + (decision.color() == null ? "" : decision.color().label()) + " "
                + String.join(",", decision.failed());
        Optional<String> lastIncident = sys.store().readNote(service, INCIDENT_NOTE);
        if (lastIncident.map(l -> l.startsWith(incident + "|") && !expired(l)).orElse(false)) {
            return outcome(decision, HealOutcome.Result.SKIPPED, "already handled this incident (" + incident.trim() + ")", t0);
        }
        List<HistoryRecord> recent = sys.store().history(service, 200).stream()
                .filter(h -> h.kind().equals(HistoryRecord.HEAL) && !h.outcome().equals(HealOutcome.Result.SKIPPED.label())
                        && !h.outcome().equals(HealOutcome.Result.PREEMPTED.label()))
                .filter(h -> Instant.parse(h.startedAt()).isAfter(Instant.now().minus(settings.window())))
                .toList();
        if (recent.size() >= settings.maxHeals()) {
            String why = recent.size() + " heals of " + service + " in the last " + settings.window().toMinutes()
                    + " min (the limit is " + settings.maxHeals() + "); not acting on: " + decision.reason();
            sys.store().writeNote(service, INCIDENT_NOTE, incident + "|" + Instant.now());
            record(service, decision, HealOutcome.Result.SKIPPED, why, t0);
            return outcome(decision, HealOutcome.Result.SKIPPED, why, t0);
        }
        HealOutcome result = act(service, decision, run, t0);
        // Noted once it ended, so a heal killed while acting is retried after a restart; an interrupted one was overtaken.
        if (result.result() != HealOutcome.Result.PREEMPTED) {
            sys.store().writeNote(service, INCIDENT_NOTE, incident + "|" + Instant.now());
        }
        record(service, decision, result.result(), result.reason(), t0);
        return result;
    }

    private HealOutcome act(String service, HealDecision decision, Run run, long t0) {
        say(service, "acting: " + decision.action().label() + " because " + decision.reason());
        try {
            if (settings.handOff().isPresent()) {
                String where = settings.handOff().get().handOff(service, decision);
                return outcome(decision, HealOutcome.Result.HANDED_OFF, decision.reason() + "; " + where, t0);
            }
            ServiceState state = sys.store().readState(service).value();
            run.urgency = HealPolicy.urgency(decision, state);
            switch (decision.action()) {
                case REPLACE -> new ReplicaReplacement(sys, listener)
                        .replace(service, decision.color(), decision.failed(), settings.lockWait(), run.cancel);
                case FAIL_BACK -> {
                    new StandbyRollback(sys, listener).rollback(service, OperationKind.FAIL_BACK, settings.lockWait(), run.cancel);
                    // Traffic is safe on the standby; now make the failed color a warm standby again (least urgent).
                    run.urgency = 1;
                    try {
                        new ReplicaReplacement(sys, listener).replace(service, decision.color(), decision.failed(),
                                settings.lockWait(), run.cancel);
                    } catch (RuntimeException e) {
                        return outcome(decision, HealOutcome.Result.HEALED, decision.reason() + "; failed back, but repairing "
                                + decision.color().label() + " failed: " + e.getMessage(), t0);
                    }
                }
                case REDEPLOY -> new Redeployment(sys, listener).redeploy(service, settings.lockWait(), run.cancel);
                case REPLACE_DEGRADED -> new ReplicaReplacement(sys, listener)
                        .replace(service, decision.color(), decision.failed(), settings.lockWait(), run.cancel, true);
                // The degraded color stays as it is, now the standby: its version is what is wrong, a repair cannot help.
                case ROLLBACK_DEGRADED -> new StandbyRollback(sys, listener)
                        .rollback(service, OperationKind.FAIL_BACK, settings.lockWait(), run.cancel);
                default -> throw new IllegalStateException("no action for " + decision.action());
            }
            return outcome(decision, HealOutcome.Result.HEALED, decision.reason(), t0);
        } catch (RuntimeException e) {
            boolean preempted = e instanceof Cancellation.PreemptedException || e.getCause() instanceof Cancellation.PreemptedException;
            return outcome(decision, preempted ? HealOutcome.Result.PREEMPTED : HealOutcome.Result.FAILED, decision.reason() + "; "
                    + (preempted ? "" : "the heal could not help: ") + e.getMessage(), t0);
        }
    }

    /** What the deadlines of a preview ask for now (abort past its timeout, promote after its bake time), done. */
    public Optional<Promotion.Settled> settleDue(String service) {
        return new Promotion(sys, listener).settleDue(service, settings.lockWait());
    }

    /**
     * A person's rollback to the warm standby, on this service's systems (the heal server's quick path); its events go
     * to the server's own listener and to {@code caller} (the person's answer). With {@code seenIndex}, the state's
     * index the person decided on: refused when the state moved on since.
     */
    public DeployResult rollback(String service, DeployListener caller, OptionalLong seenIndex) {
        StandbyRollback rollback = new StandbyRollback(sys, e -> {
            listener.on(e);
            caller.on(e);
        });
        return seenIndex.isPresent() ? rollback.rollbackFromSeen(service, seenIndex.getAsLong()) : rollback.rollback(service);
    }

    /** The state, the replicas' run state and Consul's health. */
    private HealDecision observe(String service) {
        return HealPolicy.decide(new TransitionRunner(sys).observe(service, true));
    }

    private boolean expired(String note) {
        int bar = note.lastIndexOf('|');
        try {
            return Instant.parse(note.substring(bar + 1)).isBefore(Instant.now().minus(settings.window()));
        } catch (RuntimeException e) {
            return true;
        }
    }

    private void record(String service, HealDecision d, HealOutcome.Result outcome, String reason, long t0) {
        sys.store().appendHistory(service, HistoryRecord.of(DeployIds.next(sys.clock()), HistoryRecord.HEAL, service).by(sys.actor())
                .outcome(outcome.label())
                .colors(d.color() == null ? null : d.color().label(), null)
                .started(Instant.now().minusNanos(System.nanoTime() - t0).toString(), t0)
                .reason(sys.redactor().redact(d.action().label() + ": " + reason)).build(Instant.now().toString()));
    }

    private void say(String service, String message) {
        listener.on(new DeployEvent(Instant.now().toString(), "progress", service, null, "heal",
                sys.redactor().redact(message), null));
    }

    private static HealOutcome outcome(HealDecision d, HealOutcome.Result outcome, String reason, long t0) {
        return new HealOutcome(d.action(), outcome, reason, (System.nanoTime() - t0) / 1_000_000);
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
