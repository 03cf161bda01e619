package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.ServiceRegistry;
import io.bluegreen.core.spec.Durations;

/**
 * DEPLOY, then GATE: the planned replicas start, each registered in Consul the moment it runs (so Consul's first check
 * overlaps the other starts), then all must pass their health check K times in a row within the deadline.
 */
final class StartPhase {
    private final Execution x;

    StartPhase(Execution x) {
        this.x = x;
    }

    void run() {
        if (x.t.start().replicas().isEmpty()) {
            return;
        }
        Transition t = x.t;
        ReplicaPlan plan = t.start().replicas().get();
        ServiceRegistry.Audience audience = t.commit().preview() != null ? ServiceRegistry.Audience.PREVIEW
                : ServiceRegistry.Audience.PRODUCTION;
        x.cancel.check();
        x.journal(Phase.DEPLOY);
        x.pc.run(Phase.DEPLOY, "starting " + plan.count() + " replica(s) of " + plan.image() + " in " + t.color().label()
                + ", registering each in Consul as soon as it runs", () -> x.started.addAll(x.sys.cluster().start(plan,
                x.pc.sink(Phase.DEPLOY), r -> x.sys.registry().register(r, t.digest(), t.start().gate(), audience))));
        x.journal(Phase.GATE);
        x.pc.run(Phase.GATE, "waiting for " + x.started.size() + " replica(s) to pass " + t.start().gate().path() + " "
                + t.start().gate().passes() + " times in a row (deadline " + Durations.format(t.start().gate().deadline())
                + ")", () -> new HealthGate(x.sys).await(t.service(), x.started, t.start().gate(), x.pc.sink(Phase.GATE),
                x.cancel));
    }
}
