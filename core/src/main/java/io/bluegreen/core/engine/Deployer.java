package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.InvalidSpecException;
import java.util.List;
import java.util.Optional;

/**
 * {@code bluegreen deploy}: checks the systems, then, under the lock, builds or pulls the image and runs the
 * deploy {@link Planner} made through the {@link TransitionRunner} (docs/architecture.md has the phases).
 */
public final class Deployer {
    private final Systems sys;
    private final DeployListener listener;

    public Deployer(Systems sys, DeployListener listener) {
        this.sys = sys;
        this.listener = listener;
    }

    public DeployResult deploy(DeploymentSpec spec) {
        TrafficRouter router = sys.routerForSpec().apply(spec.router());
        Optional<TrafficRouter> preview = spec.router().preview().map(sys.routerForSpec());
        String opId = DeployIds.next(sys.clock());
        String service = spec.service();
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, opId);
        pc.run(Phase.VALIDATE, "spec for " + service + " " + spec.imageRef() + " is valid", () -> { });
        pc.run(Phase.PREFLIGHT, "checking Docker, Consul, registry, " + router.describe()
                + (spec.verify().analysis().isPresent() ? " and Prometheus" : ""), () -> {
            sys.cluster().ping();
            List<String> networks = sys.cluster().networkProblems(spec.networks());
            if (!networks.isEmpty()) {
                throw new InvalidSpecException(networks.stream().map(n -> "networks: " + n).toList());
            }
            sys.store().ping();
            if (spec.push() || spec.build().isEmpty()) {
                sys.images().pingRegistry(spec.image());
            }
            router.check();
            preview.ifPresent(TrafficRouter::check);
            spec.verify().analysis().ifPresent(a -> sys.metrics().apply(a.prometheus()).ping());
        });
        TransitionRunner.Request request = new TransitionRunner.Request(OperationKind.DEPLOY, service, spec.tag(),
                spec.imageRef(), spec.lockWait(), Cancellation.NEVER, (observed, p) -> {
                    Planner.requireReachable(observed, spec.target()); // before any build or push
                    String digest = prepareImage(spec, p);
                    return Optional.of(Planner.deploy(observed, Release.of(spec, digest, router.ref(),
                                    preview.map(TrafficRouter::ref).orElse(null)),
                            OperationKind.DEPLOY, opId, sys.clock().instant()));
                });
        return new TransitionRunner(sys).run(pc, request).result(pc);
    }

    /** BUILD and PUSH, or PULL: nothing running is touched yet, so a failure here needs no undo. Returns the digest. */
    private String prepareImage(DeploymentSpec spec, PhaseClock pc) {
        spec.build().ifPresent(b -> pc.run(Phase.BUILD, "building " + spec.imageRef() + " from " + b.context(),
                () -> sys.images().build(b, spec.imageRef(), pc.sink(Phase.BUILD))));
        return spec.push()
                ? pc.run(Phase.PUSH, "pushing " + spec.imageRef(), () -> sys.images().push(spec.imageRef(), pc.sink(Phase.PUSH)))
                : pc.run(Phase.PULL, "making sure " + spec.imageRef() + " is present",
                        () -> sys.images().ensurePresent(spec.imageRef(), pc.sink(Phase.PULL)));
    }
}
