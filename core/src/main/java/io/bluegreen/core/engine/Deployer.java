package io.bluegreen.core.engine;

import io.bluegreen.core.proxy.TrafficRouter;
import io.bluegreen.core.proxy.UrlProbe;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.Durations;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One blue-green deploy: the phases of docs/architecture.md. Everything after the lock is journalled in
 * KV before it acts; any failure from DEPLOY to VERIFY puts traffic, state and containers back.
 */
public final class Deployer {
    private final Systems sys;
    private final DeployListener listener;

    public Deployer(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    public DeployResult deploy(DeploymentSpec spec) {
        return deploy(spec, sys.routerForSpec().apply(spec.router()));
    }

    /** With the router given instead of read from the spec: a heal redeploys through the router in the state. */
    public DeployResult deploy(DeploymentSpec spec, TrafficRouter router) {
        String deployId = DeployIds.next(sys.clock());
        String service = spec.service();
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, deployId);
        long t0 = System.nanoTime();
        String startedAt = pc.now();

        pc.run(Phase.VALIDATE, "spec for " + service + " " + spec.imageRef() + " is valid", () -> { });
        pc.run(Phase.PREFLIGHT, "checking Docker, Consul, registry and " + router.describe(), () -> {
            sys.cluster().ping();
            sys.store().ping();
            if (spec.push() || spec.build().isEmpty()) {
                sys.images().pingRegistry(spec.image());
            }
            router.check();
        });
        try (ServiceLock.Lease lease = pc.run(Phase.LOCK, "locking bluegreen/" + service + "/lock",
                () -> sys.lock().acquire(service, holder("deploy", deployId), spec.lockWait(), pc.sink(Phase.LOCK)))) {
            new Repairer(sys).repairIfInterrupted(service, pc);
            Attempt attempt = new Attempt(spec, deployId, pc, router, startedAt, t0);
            return attempt.run();
        }
    }

    static String holder(String kind, String id) {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return kind + " " + id + " by pid " + ManagementFactory.getRuntimeMXBean().getPid() + " on " + host
                + " since " + Instant.now();
    }

    /** The part of a deploy that runs under the lock; its fields are what rollback needs to know. */
    private final class Attempt {
        private final DeploymentSpec spec;
        private final String deployId;
        private final PhaseClock pc;
        private final TrafficRouter router;
        private final String startedAt;
        private final long t0;
        private final List<String> warnings = new ArrayList<>();
        private String digest;
        private Color target;
        private Color previous;
        private Journal journal;
        private FlipFigures flip;

        Attempt(DeploymentSpec spec, String deployId, PhaseClock pc, TrafficRouter router, String startedAt, long t0) {
            this.spec = spec;
            this.deployId = deployId;
            this.pc = pc;
            this.router = router;
            this.startedAt = startedAt;
            this.t0 = t0;
        }

        DeployResult run() {
            Versioned<ServiceState> current;
            try {
                prepareImage();
                current = pc.run(Phase.RESOLVE, "reading bluegreen/" + spec.service() + "/state", this::readState);
            } catch (RuntimeException e) {
                // Nothing running was touched yet: record the failure, nothing to roll back.
                record("failed", "nothing was changed: " + e.getMessage());
                throw e instanceof SystemUnreachableException ? e : new DeployFailedException(Phase.BUILD,
                        e.getMessage() + " (nothing was changed)", e);
            }
            previous = current.value().activeColor().orElse(null);
            target = previous == null ? Color.BLUE : previous.other();
            pc.sink(Phase.RESOLVE).progress("target color " + target.label()
                    + (previous == null ? " (first deploy)" : ", " + previous.label() + " stays active until the flip"));
            journal = new Journal(deployId, "deploy", Phase.DEPLOY.label(), target.label(), spec.tag(), current.value(),
                    router.state(), router.snapshot().orElse(null), startedAt);

            List<Replica> fresh;
            try {
                fresh = rollout(current.value());
            } catch (RuntimeException e) {
                throw rollback(e);
            }
            retire(fresh);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            record("succeeded", warnings.isEmpty() ? null : String.join("; ", warnings));
            pc.result("deployed " + spec.service() + " " + spec.tag() + " to " + target.label() + " in " + ms + " ms", ms);
            return new DeployResult(spec.service(), deployId, target.label(), previous == null ? null : previous.label(),
                    spec.tag(), spec.imageRef(), digest, ms, pc.timings(), List.copyOf(warnings), flip);
        }

        /** The state, refused when its colors run where this spec's target cannot reach them. */
        private Versioned<ServiceState> readState() {
            Versioned<ServiceState> s = sys.store().readState(spec.service());
            ServiceState state = s.value();
            if (state.colors() != null && !state.colors().isEmpty() && !spec.target().reaches(state.runsOn())) {
                throw new PhaseFailure("target: is " + spec.target().describe() + ", but " + String.join(" and ",
                        state.colors().keySet()) + " of " + spec.service() + " run on " + state.runsOn().describe()
                        + ", which it does not reach; a deploy does not move a service between targets: deploy to "
                        + state.runsOn().describe() + " (engines may be added to the list), or remove the service there first");
            }
            return s;
        }

        private void prepareImage() {
            spec.build().ifPresent(b -> pc.run(Phase.BUILD, "building " + spec.imageRef() + " from " + b.context(),
                    () -> sys.images().build(b, spec.imageRef(), pc.sink(Phase.BUILD))));
            digest = spec.push()
                    ? pc.run(Phase.PUSH, "pushing " + spec.imageRef(), () -> sys.images().push(spec.imageRef(), pc.sink(Phase.PUSH)))
                    : pc.run(Phase.PULL, "making sure " + spec.imageRef() + " is present",
                            () -> sys.images().ensurePresent(spec.imageRef(), pc.sink(Phase.PULL)));
        }

        /**
         * DEPLOY (+ REGISTER, per replica as it runs) → GATE → FLIP (+ state write) → VERIFY; throws on the first
         * failure. Registering each replica the moment it runs lets Consul's first check, which it runs at a random
         * moment within the first interval, overlap the starts of the others.
         */
        private List<Replica> rollout(ServiceState before) {
            journal(Phase.DEPLOY);
            ReplicaPlan plan = new ReplicaPlan(spec.service(), target, spec.tag(), deployId, spec.imageRef(),
                    spec.replicas(), spec.containerPort(), spec.hostAddress(), spec.env());
            List<Replica> fresh = pc.run(Phase.DEPLOY, "starting " + spec.replicas() + " replica(s) of " + spec.imageRef()
                    + " in " + target.label() + ", registering each in Consul as soon as it runs",
                    () -> sys.cluster().start(plan, pc.sink(Phase.DEPLOY), r -> sys.registry().register(r, digest, spec.health())));
            Set<String> ids = fresh.stream().map(Replica::id).collect(Collectors.toSet());
            journal(Phase.GATE);
            pc.run(Phase.GATE, "waiting for " + ids.size() + " replica(s) to pass " + spec.health().path() + " "
                    + spec.health().passes() + " times in a row (deadline " + Durations.format(spec.health().deadline()) + ")",
                    () -> sys.registry().awaitPassing(spec.service(), ids, spec.health(), pc.sink(Phase.GATE)));
            journal(Phase.FLIP);
            pc.run(Phase.FLIP, "switching " + router.describe() + " to " + target.label(), () -> {
                flip = FlipMeter.measure(spec.verify().url(), () -> router.route(spec.service(),
                        fresh.stream().map(Replica::endpoint).toList(),
                        spec.service() + " " + target.label() + " " + spec.tag() + " deploy " + deployId));
                pc.sink(Phase.FLIP).progress("traffic now on " + target.label() + " (" + flip.summary() + "); recording the new state");
                if (spec.verify().maxFlipFailures().isPresent() && flip.failed() != null
                        && flip.failed() > spec.verify().maxFlipFailures().get()) {
                    throw new PhaseFailure("the flip failed " + flip.failed() + " requests, more than verify.maxFlipFailures ("
                            + spec.verify().maxFlipFailures().get() + ")");
                }
                ServiceState next = nextState(before, fresh);
                Versioned<ServiceState> now = sys.store().readState(spec.service());
                if (!now.value().equals(before) || !sys.store().writeState(spec.service(), next, now.index())) {
                    throw new PhaseFailure("bluegreen/" + spec.service() + "/state changed during the deploy (check-and-set failed)");
                }
            });
            journal(Phase.VERIFY);
            pc.run(Phase.VERIFY, "watching " + target.label() + " for " + Durations.format(spec.verify().window()),
                    this::verify);
            return fresh;
        }

        private void verify() {
            if (spec.verify().window().isZero()) {
                return; // the user asked for no verify window: the gate's verdict stands
            }
            Set<String> ids = sys.registry().instances(spec.service()).stream()
                    .filter(i -> deployId.equals(i.deployId())).map(Instance::id).collect(Collectors.toSet());
            Optional<UrlProbe> probe = spec.verify().url().map(u -> UrlProbe.start(u, spec.verify().window()));
            try {
                sys.registry().watchPassing(spec.service(), ids, spec.verify().window());
            } finally {
                probe.ifPresent(UrlProbe::stop);
            }
            if (probe.isPresent() && probe.get().failed() > 0) {
                throw new PhaseFailure("verify: " + probe.get().failed() + " of " + probe.get().sent() + " requests to "
                        + spec.verify().url().get() + " failed (first: " + probe.get().firstError() + ")");
            }
        }

        private ServiceState nextState(ServiceState before, List<Replica> fresh) {
            String now = pc.now();
            ColorState mine = new ColorState(spec.tag(), spec.imageRef(), digest, deployId, fresh.size(),
                    fresh.stream().map(Replica::id).toList(), fresh.stream().map(r -> r.endpoint().toString()).toList(),
                    now, null, Recipe.of(spec));
            ServiceState next = before.with(target, mine, now);
            if (previous != null && before.color(previous).isPresent()) {
                String until = sys.clock().instant().plus(spec.standbyKeep()).toString();
                next = next.with(previous, before.color(previous).get().withStandbyUntil(until), now);
            }
            return next.withActive(target, router.state(), Durations.format(spec.standbyKeep()), now)
                    .withTarget(spec.target());
        }

        /** After a committed deploy: the old standby in the target color goes; the old active stays warm or goes now. */
        private void retire(List<Replica> fresh) {
            journal(Phase.RETIRE);
            try {
                pc.run(Phase.RETIRE, spec.standbyKeep().isZero() ? "retiring the old colors now"
                        : "keeping " + (previous == null ? "nothing" : previous.label()) + " warm for "
                                + Durations.format(spec.standbyKeep()), () -> {
                    Set<String> keep = fresh.stream().map(Replica::deployId).collect(Collectors.toSet());
                    List<Replica> stale = new ArrayList<>(sys.cluster().list(spec.service()).stream()
                            .filter(r -> r.color() == target && !keep.contains(r.deployId())).toList());
                    if (previous != null && spec.standbyKeep().isZero()) {
                        stale.addAll(sys.cluster().list(spec.service()).stream().filter(r -> r.color() == previous).toList());
                        Versioned<ServiceState> s = sys.store().readState(spec.service());
                        if (!sys.store().writeState(spec.service(), s.value().with(previous, null, pc.now()), s.index())) {
                            throw new PhaseFailure("state changed while retiring " + previous.label());
                        }
                    }
                    Drainer.drain(router, stale.stream().map(Replica::endpoint).toList(), spec.router().drain(),
                            pc.sink(Phase.RETIRE));
                    new Retirer(sys).retire(spec.service(), stale, pc.sink(Phase.RETIRE));
                });
            } catch (RuntimeException e) {
                warnings.add("retiring old replicas failed (traffic is on " + target.label() + " as deployed): " + e.getMessage());
                pc.warn(Phase.RETIRE, warnings.get(warnings.size() - 1));
            }
            sys.store().deleteJournal(spec.service());
        }

        private RuntimeException rollback(RuntimeException cause) {
            Phase failed = Phase.valueOf(journal.phase().toUpperCase(java.util.Locale.ROOT));
            String reason = failed.label() + " failed: " + cause.getMessage();
            List<String> problems = pc.run(Phase.ROLLBACK, "rolling back after the failed " + failed.label()
                            + " (traffic, state, then the new replicas)",
                    () -> new Restorer(sys).restore(spec.service(), journal));
            if (!problems.isEmpty()) {
                String where = "rollback of deploy " + deployId + " is incomplete, a human must look:\n  - "
                        + String.join("\n  - ", problems) + "\nthe journal bluegreen/" + spec.service()
                        + "/journal is kept; `bluegreen status -s " + spec.service() + " --repair` retries";
                record("rollback-failed", reason + "; " + String.join("; ", problems));
                return new RollbackFailedException(pc.redact(where), cause);
            }
            sys.store().deleteJournal(spec.service());
            record("rolled-back", reason);
            String traffic = previous == null ? "no color was active before; none is now"
                    : "traffic stays on " + previous.label();
            return new DeployFailedException(failed, pc.redact(reason + "; rolled back, " + traffic), cause);
        }

        private void journal(Phase phase) {
            journal = journal.at(phase);
            sys.store().writeJournal(spec.service(), journal);
        }

        private void record(String outcome, String reason) {
            try {
                sys.store().appendHistory(spec.service(), new HistoryRecord(deployId, "deploy", outcome, spec.service(),
                        spec.tag(), target == null ? null : target.label(), previous == null ? null : previous.label(),
                        spec.imageRef(), digest, startedAt, pc.now(), (System.nanoTime() - t0) / 1_000_000,
                        pc.redact(reason), pc.timings(), flip));
            } catch (RuntimeException e) {
                pc.warn(Phase.RETIRE, "could not write the history record: " + e.getMessage());
            }
        }
    }
}
