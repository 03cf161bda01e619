package io.bluegreen.core.engine;

import io.bluegreen.core.proxy.TrafficRouter;
import io.bluegreen.core.spec.RouterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Replaces failed replicas of one color in place: copies of a container of the same deploy (same image
 * ID, same environment), registered, gated, put into the proxy if the color is active, recorded in the
 * state; only then are the failed ones deregistered and removed. Nothing else of the service changes.
 * Where the cluster cannot start one replica on its own (a Swarm service's tasks come as a whole), the color
 * is renewed instead: the whole deploy started again as a new one of the same version, gated, routed, recorded,
 * and only then the old deploy drained and removed.
 */
public final class ReplicaReplacement {
    private final Systems sys;
    private final DeployListener listener;

    public ReplicaReplacement(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    /** Returns the IDs of the new replicas (empty when, under the lock, nothing had failed any more). */
    public List<String> replace(String service, Color color, List<String> failedIds, Duration lockWait) {
        String id = DeployIds.next(sys.clock());
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, id);
        long t0 = System.nanoTime();
        String startedAt = pc.now();
        try (ServiceLock.Lease lease = pc.run(Phase.LOCK, "locking bluegreen/" + service + "/lock",
                () -> sys.lock().acquire(service, Deployer.holder("heal", id), lockWait, pc.sink(Phase.LOCK)))) {
            new Repairer(sys).repairIfInterrupted(service, pc);
            Versioned<ServiceState> current = sys.store().readState(service);
            ColorState cs = current.value().color(color).orElseThrow(() ->
                    new PhaseFailure(service + " has no " + color.label() + " color any more"));
            Map<String, Instance> health = sys.registry().instances(service).stream()
                    .collect(Collectors.toMap(Instance::id, i -> i, (a, b) -> a));
            List<String> stillFailed = failedIds.stream().filter(cs.replicaIds()::contains).filter(f ->
                    health.get(f) == null || health.get(f).health() == Instance.Health.CRITICAL).toList();
            if (stillFailed.isEmpty()) {
                pc.result("nothing to replace: the failed replicas recovered or were replaced meanwhile", 0);
                return List.of();
            }
            List<Replica> mine = sys.cluster().list(service).stream().filter(r -> cs.deployId().equals(r.deployId())).toList();
            Replica template = mine.stream().filter(r -> stillFailed.contains(r.id())).findFirst()
                    .or(() -> mine.stream().findFirst())
                    .orElseThrow(() -> new PhaseFailure("no container of deploy " + cs.deployId()
                            + " is left to copy; only a redeploy can help"));
            boolean renew = !sys.cluster().startsSingleReplicas();
            boolean active = current.value().activeColor().map(a -> a == color).orElse(false);
            Recipe recipe = Optional.ofNullable(cs.recipe()).orElseThrow(() ->
                    new PhaseFailure("the state of " + color.label() + " has no recipe (deployed by an older version)"));
            // Only an active color's replacement touches the proxy; a standby's never reads it.
            RouterState routerState = active ? current.value().router() : RouterState.NONE;
            TrafficRouter router = sys.routerForState().apply(routerState);
            Optional<String> routedBefore = router.snapshot();
            // A renewal starts a whole deploy of its own: journalled, so a crash mid-way is undone by the next lock holder.
            Journal journal = new Journal(id, "replace", Phase.DEPLOY.label(), color.label(), cs.version(), current.value(),
                    routerState, routedBefore.orElse(null), startedAt);
            journal(renew, service, journal);
            List<Replica> fresh = new ArrayList<>();
            try {
                if (renew) {
                    ReplicaPlan plan = new ReplicaPlan(service, color, cs.version(), id, template.image(), cs.replicas(),
                            recipe.containerPort(), recipe.hostAddress(), sys.cluster().userEnvironment(template));
                    pc.run(Phase.DEPLOY, "renewing " + color.label() + " as deploy " + id + " (" + cs.replicas()
                            + " replica(s)): the cluster starts no single replica, " + String.join(", ", stillFailed)
                            + " failed", () -> fresh.addAll(sys.cluster().start(plan, pc.sink(Phase.DEPLOY),
                                    r -> sys.registry().register(r, cs.digest(), recipe.health()))));
                } else {
                    int lastIndex = mine.stream().mapToInt(Replica::index).max().orElse(0);
                    pc.run(Phase.DEPLOY, "starting " + stillFailed.size() + " replacement(s) for " + String.join(", ", stillFailed),
                            () -> {
                                for (int i = 1; i <= stillFailed.size(); i++) {
                                    fresh.add(sys.cluster().cloneReplica(template, lastIndex + i));
                                }
                            });
                    pc.run(Phase.REGISTER, "registering the replacements", () ->
                            fresh.forEach(r -> sys.registry().register(r, cs.digest(), recipe.health())));
                }
                Set<String> ids = fresh.stream().map(Replica::id).collect(Collectors.toSet());
                pc.run(Phase.GATE, "waiting for the replacements to pass", () ->
                        sys.registry().awaitPassing(service, ids, recipe.health(), pc.sink(Phase.GATE)));
                List<String> keptIds = renew ? new ArrayList<>()
                        : cs.replicaIds().stream().filter(r -> !stillFailed.contains(r)).collect(Collectors.toList());
                List<String> keptEndpoints = new ArrayList<>();
                for (String k : keptIds) {
                    Instance i = health.get(k);
                    keptEndpoints.add(i != null ? i.endpoint().toString() : cs.endpoints().get(cs.replicaIds().indexOf(k)));
                }
                keptIds.addAll(ids.stream().sorted().toList());
                fresh.stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(r -> keptEndpoints.add(r.endpoint().toString()));
                journal(renew, service, journal.at(Phase.FLIP));
                pc.run(Phase.FLIP, active ? "putting the replacements into the proxy" : "recording the replacements", () -> {
                    if (active) {
                        router.route(service, keptEndpoints.stream().map(Endpoint::parse).toList(),
                                service + " " + color.label() + " " + cs.version() + " heal " + id);
                    }
                    ColorState replaced = renew ? cs.renewed(id, keptIds, keptEndpoints) : cs.withReplicas(keptIds, keptEndpoints);
                    ServiceState next = current.value().with(color, replaced, pc.now());
                    if (!sys.store().writeState(service, next, current.index())) {
                        throw new PhaseFailure("bluegreen/" + service + "/state changed during the replacement");
                    }
                });
            } catch (RuntimeException e) {
                record(service, id, "failed", color, cs, startedAt, t0, pc, e.getMessage());
                undo(service, renew ? journal : null, router, routedBefore, fresh, stillFailed, e, pc);
                throw new DeployFailedException(Phase.DEPLOY, "replacing " + String.join(", ", stillFailed) + " failed: "
                        + e.getMessage() + "; removed the replacements, nothing else changed", e);
            }
            journal(renew, service, journal.at(Phase.RETIRE));
            List<Replica> old = renew ? mine : mine.stream().filter(r -> stillFailed.contains(r.id())).toList();
            String warning = "";
            try {
                pc.run(Phase.RETIRE, renew ? "draining and removing deploy " + cs.deployId() : "removing the failed replicas", () -> {
                    if (renew && active) {
                        Drainer.drain(router, old.stream().map(Replica::endpoint).filter(Objects::nonNull).toList(),
                                RouterSpec.DEFAULT_DRAIN, pc.sink(Phase.RETIRE));
                    }
                    stillFailed.forEach(f -> sys.registry().deregister(f));
                    new Retirer(sys).retire(service, old, pc.sink(Phase.RETIRE));
                });
            } catch (RuntimeException e) {
                // Committed already: the replacements serve; what is left of the old ones goes with the next deploy.
                warning = "; removing the old replicas failed (" + e.getMessage() + ")";
                pc.warn(Phase.RETIRE, "removing the old replicas failed (the replacements serve as recorded): " + e.getMessage());
            }
            if (renew) {
                sys.store().deleteJournal(service);
            }
            record(service, id, "succeeded", color, cs, startedAt, t0, pc,
                    "replaced " + String.join(", ", stillFailed) + " with " + String.join(", ", fresh.stream().map(Replica::id).toList())
                            + (renew ? " (renewed the whole color: " + cs.deployId() + " -> " + id + ")" : "") + warning);
            pc.result("replaced " + stillFailed.size() + " replica(s) of " + service + " " + color.label(), (System.nanoTime() - t0) / 1_000_000);
            return fresh.stream().map(Replica::id).toList();
        }
    }

    /**
     * After a failure before the commit: the proxy back first, then the replacements out. A renewal goes back the way
     * a deploy does (its journal: proxy, state, then everything of its deploy id), so even a state write whose answer
     * was lost is undone. If the proxy cannot be put back, the replacements stay running, because it may point at them.
     */
    private void undo(String service, Journal journal, TrafficRouter router, Optional<String> routedBefore,
                      List<Replica> fresh, List<String> stillFailed, RuntimeException cause, PhaseClock pc) {
        List<String> problems = new ArrayList<>();
        if (journal != null) {
            problems.addAll(new Restorer(sys).restore(service, journal));
        } else {
            try {
                if (!router.snapshot().equals(routedBefore)) {
                    router.restore(routedBefore);
                }
                new Retirer(sys).retire(service, fresh, pc.sink(Phase.ROLLBACK));
            } catch (RuntimeException e) {
                problems.add(router.describe() + " could not be put back or the replacements "
                        + fresh.stream().map(Replica::id).toList() + " not removed: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new RollbackFailedException("replacing " + String.join(", ", stillFailed) + " failed (" + cause.getMessage()
                    + ") and could not be undone:\n  - " + String.join("\n  - ", problems)
                    + (journal != null ? "\nthe journal bluegreen/" + service + "/journal is kept" : ""), cause);
        }
        if (journal != null) {
            sys.store().deleteJournal(service);
        }
    }

    private void journal(boolean renew, String service, Journal journal) {
        if (renew) {
            sys.store().writeJournal(service, journal);
        }
    }

    /** Best effort: a history that cannot be written must not turn a done replacement into a failed one. */
    private void record(String service, String id, String outcome, Color color, ColorState cs, String startedAt, long t0,
                        PhaseClock pc, String reason) {
        try {
            sys.store().appendHistory(service, new HistoryRecord(id, "replace", outcome, service, cs.version(), color.label(),
                    null, cs.image(), cs.digest(), startedAt, pc.now(), (System.nanoTime() - t0) / 1_000_000,
                    pc.redact(reason), pc.timings()));
        } catch (RuntimeException e) {
            pc.warn(Phase.RETIRE, "could not write the history record: " + e.getMessage());
        }
    }
}
