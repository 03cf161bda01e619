package io.bluegreen.core.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A heal's redeploy of the active version when every active replica failed and no standby is healthy: the
 * recorded recipe, image and router (no spec), through the normal gated deploy transition.
 */
public final class Redeployment {
    private final Systems sys;
    private final DeployListener listener;

    public Redeployment(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    public DeployResult redeploy(String service, Duration lockWait, Cancellation cancel) {
        String opId = DeployIds.next(sys.clock());
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, opId);
        TransitionRunner.Request request = new TransitionRunner.Request(OperationKind.REDEPLOY, service, null, null,
                lockWait, null, cancel, (observed, p) -> {
                    ServiceState state = observed.state();
                    Color active = state.activeColor().orElseThrow(() ->
                            new RefusedException(service + " has no active color: nothing to redeploy"));
                    ColorState cs = state.color(active).orElseThrow(() ->
                            new RefusedException("the state of " + service + " records no " + active.label() + " color"));
                    Map<String, String> env = observed.replicas().stream().filter(r -> cs.deployId().equals(r.deployId()))
                            .findFirst().map(r -> sys.cluster().userEnvironment(r)).orElse(Map.of());
                    return Optional.of(Planner.deploy(observed, Release.recorded(state, cs, env), OperationKind.REDEPLOY,
                            opId, sys.clock().instant()));
                });
        return new TransitionRunner(sys).run(pc, request).result(pc);
    }
}
