package io.bluegreen.core.engine;

import io.bluegreen.core.proxy.TrafficRouter;
import io.bluegreen.core.spec.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code bluegreen rollback}: a pure traffic flip back to the warm standby color, refused unless every
 * standby replica is registered and passing. No container is started.
 */
public final class StandbyRollback {
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);
    private final Systems sys;
    private final DeployListener listener;

    public StandbyRollback(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    /** Thrown when there is nothing safe to roll back to; nothing was changed. */
    public static final class RefusedException extends RuntimeException {
        public RefusedException(String message) {
            super(message);
        }
    }

    public DeployResult rollback(String service) {
        String id = DeployIds.next(sys.clock());
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, id);
        long t0 = System.nanoTime();
        String startedAt = pc.now();
        pc.run(Phase.PREFLIGHT, "checking Consul", () -> sys.store().ping());
        try (ServiceLock.Lease lease = pc.run(Phase.LOCK, "locking bluegreen/" + service + "/lock",
                () -> sys.lock().acquire(service, Deployer.holder("rollback", id), LOCK_WAIT, pc.sink(Phase.LOCK)))) {
            new Repairer(sys).repairIfInterrupted(service, pc);
            Versioned<ServiceState> current = sys.store().readState(service);
            ServiceState state = current.value();
            Color active = state.activeColor().orElseThrow(() ->
                    new RefusedException(service + " has no active color: nothing was ever deployed"));
            Color standby = active.other();
            ColorState standbyState = state.color(standby).orElseThrow(() -> new RefusedException(
                    "no warm standby: the " + standby.label() + " color of " + service + " was retired"));
            List<Instance> ready = pc.run(Phase.GATE, "checking " + standby.label() + " (" + standbyState.version()
                    + ") is running and passing", () -> passingStandby(service, standby, standbyState));
            TrafficRouter router = sys.routerForState().apply(state.router());
            Journal journal = new Journal(id, "rollback", Phase.FLIP.label(), standby.label(), standbyState.version(),
                    state, state.router(), router.snapshot().orElse(null), startedAt);
            sys.store().writeJournal(service, journal);
            try {
                pc.run(Phase.FLIP, "switching " + router.describe() + " back to " + standby.label(), () -> {
                    router.route(service, ready.stream().map(Instance::endpoint).toList(),
                            service + " " + standby.label() + " " + standbyState.version() + " rollback " + id);
                    String now = pc.now();
                    Duration keep = state.standbyKeep() == null ? Duration.ofMinutes(10)
                            : Durations.parse(state.standbyKeep()).orElse(Duration.ofMinutes(10));
                    ServiceState next = state.with(standby, standbyState.withStandbyUntil(null), now);
                    if (state.color(active).isPresent()) {
                        String until = sys.clock().instant().plus(keep).toString();
                        next = next.with(active, state.color(active).get().withStandbyUntil(until), now);
                    }
                    if (!sys.store().writeState(service, next.withActive(standby, state.router(), state.standbyKeep(), now),
                            current.index())) {
                        throw new PhaseFailure("bluegreen/" + service + "/state changed during the rollback");
                    }
                });
            } catch (RuntimeException e) {
                List<String> problems = new Restorer(sys).restore(service, journal);
                record(service, id, "failed", standby, active, standbyState, startedAt, t0, pc, e.getMessage());
                if (!problems.isEmpty()) {
                    throw new RollbackFailedException("rollback failed and could not be undone:\n  - "
                            + String.join("\n  - ", problems), e);
                }
                sys.store().deleteJournal(service);
                throw new DeployFailedException(Phase.FLIP, "rollback failed, traffic stays on " + active.label()
                        + ": " + e.getMessage(), e);
            }
            sys.store().deleteJournal(service);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            record(service, id, "succeeded", standby, active, standbyState, startedAt, t0, pc, null);
            pc.result("rolled back " + service + " to " + standby.label() + " (" + standbyState.version() + ") in " + ms + " ms", ms);
            return new DeployResult(service, id, standby.label(), active.label(), standbyState.version(), standbyState.image(),
                    standbyState.digest(), ms, pc.timings(), List.of());
        }
    }

    private List<Instance> passingStandby(String service, Color standby, ColorState s) {
        Set<String> wanted = Set.copyOf(s.replicaIds());
        List<Instance> found = sys.registry().instances(service).stream().filter(i -> wanted.contains(i.id())).toList();
        List<String> notPassing = found.stream().filter(i -> !i.passing()).map(i -> i.id() + " is "
                + i.health().name().toLowerCase()).collect(Collectors.toList());
        if (found.size() < wanted.size()) {
            notPassing.add((wanted.size() - found.size()) + " replica(s) no longer registered");
        }
        if (!notPassing.isEmpty()) {
            throw new RefusedException("the " + standby.label() + " standby is not fully healthy, refusing to send traffic to it: "
                    + String.join("; ", notPassing));
        }
        return found;
    }

    private void record(String service, String id, String outcome, Color to, Color from, ColorState s, String startedAt,
                        long t0, PhaseClock pc, String reason) {
        sys.store().appendHistory(service, new HistoryRecord(id, "rollback", outcome, service, s.version(), to.label(),
                from.label(), s.image(), s.digest(), startedAt, pc.now(), (System.nanoTime() - t0) / 1_000_000,
                pc.redact(reason), pc.timings()));
    }
}
