package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.ServiceLock;
import java.time.Duration;
import java.util.Optional;

/** {@code status --repair}: takes the lock and undoes or finishes an interrupted operation, if any. */
public final class ServiceRepair {
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);
    private final Systems sys;

    public ServiceRepair(Systems sys) {
        this.sys = sys;
    }

    public Optional<String> repair(String service, DeployListener listener) {
        String id = DeployIds.next(sys.clock());
        PhaseClock pc = new PhaseClock(listener, sys.redactor(), sys.clock(), service, id);
        try (ServiceLock.Lease lease = pc.run(Phase.LOCK, "locking bluegreen/" + service + "/lock",
                () -> sys.lock().acquire(service, TransitionRunner.holder(OperationKind.REPAIR, id), LOCK_WAIT,
                        pc.sink(Phase.LOCK)))) {
            return new Repairer(sys).repairIfInterrupted(service, pc);
        }
    }
}
