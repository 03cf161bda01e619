package io.bluegreen.core.engine;

import io.bluegreen.core.proxy.TrafficRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Replaces failed replicas of one color in place: copies of a container of the same deploy (same image
 * ID, same environment), registered, gated, put into the proxy if the color is active, recorded in the
 * state; only then are the failed ones deregistered and removed. Nothing else of the service changes.
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
            int lastIndex = mine.stream().mapToInt(Replica::index).max().orElse(0);
            List<Replica> fresh = new ArrayList<>();
            try {
                pc.run(Phase.DEPLOY, "starting " + stillFailed.size() + " replacement(s) for " + String.join(", ", stillFailed),
                        () -> {
                            for (int i = 1; i <= stillFailed.size(); i++) {
                                fresh.add(sys.cluster().cloneReplica(template, lastIndex + i));
                            }
                        });
                Recipe recipe = Optional.ofNullable(cs.recipe()).orElseThrow(() ->
                        new PhaseFailure("the state of " + color.label() + " has no recipe (deployed by an older version)"));
                pc.run(Phase.REGISTER, "registering the replacements", () ->
                        fresh.forEach(r -> sys.registry().register(r, cs.digest(), recipe.health())));
                Set<String> ids = fresh.stream().map(Replica::id).collect(Collectors.toSet());
                pc.run(Phase.GATE, "waiting for the replacements to pass", () ->
                        sys.registry().awaitPassing(service, ids, recipe.health(), pc.sink(Phase.GATE)));
                List<String> keptIds = cs.replicaIds().stream().filter(r -> !stillFailed.contains(r)).collect(Collectors.toList());
                List<String> keptEndpoints = new ArrayList<>();
                for (String k : keptIds) {
                    Instance i = health.get(k);
                    keptEndpoints.add(i != null ? i.endpoint().toString() : cs.endpoints().get(cs.replicaIds().indexOf(k)));
                }
                keptIds.addAll(ids.stream().sorted().toList());
                fresh.stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(r -> keptEndpoints.add(r.endpoint().toString()));
                boolean active = current.value().activeColor().map(a -> a == color).orElse(false);
                pc.run(Phase.FLIP, active ? "putting the replacements into the proxy" : "recording the replacements", () -> {
                    if (active) {
                        TrafficRouter router = sys.routerForState().apply(current.value().router());
                        router.route(service, keptEndpoints.stream().map(Endpoint::parse).toList(),
                                service + " " + color.label() + " " + cs.version() + " heal " + id);
                    }
                    ServiceState next = current.value().with(color, cs.withReplicas(keptIds, keptEndpoints), pc.now());
                    if (!sys.store().writeState(service, next, current.index())) {
                        throw new PhaseFailure("bluegreen/" + service + "/state changed during the replacement");
                    }
                });
            } catch (RuntimeException e) {
                new Retirer(sys).retire(service, fresh, pc.sink(Phase.ROLLBACK));
                record(service, id, "failed", color, cs, startedAt, t0, pc, e.getMessage());
                throw new DeployFailedException(Phase.DEPLOY, "replacing " + String.join(", ", stillFailed) + " failed: "
                        + e.getMessage() + "; removed the replacements, nothing else changed", e);
            }
            List<Replica> dead = mine.stream().filter(r -> stillFailed.contains(r.id())).toList();
            pc.run(Phase.RETIRE, "removing the failed replicas", () -> {
                stillFailed.forEach(f -> sys.registry().deregister(f));
                sys.cluster().remove(dead);
            });
            record(service, id, "succeeded", color, cs, startedAt, t0, pc,
                    "replaced " + String.join(", ", stillFailed) + " with " + String.join(", ", fresh.stream().map(Replica::id).toList()));
            pc.result("replaced " + stillFailed.size() + " replica(s) of " + service + " " + color.label(), (System.nanoTime() - t0) / 1_000_000);
            return fresh.stream().map(Replica::id).toList();
        }
    }

    private void record(String service, String id, String outcome, Color color, ColorState cs, String startedAt, long t0,
                        PhaseClock pc, String reason) {
        sys.store().appendHistory(service, new HistoryRecord(id, "replace", outcome, service, cs.version(), color.label(),
                null, cs.image(), cs.digest(), startedAt, pc.now(), (System.nanoTime() - t0) / 1_000_000,
                pc.redact(reason), pc.timings()));
    }
}
