package io.bluegreen.core.engine;

import java.util.List;
import java.util.Optional;

/**
 * Finishes what a dead runner left, whatever its kind: an operation that had not committed is undone to the state
 * its journal recorded; one that had (it was retiring) is finished: what the committed state no longer names is
 * retired. Runs under the service lock, first thing after it is taken.
 */
final class Repairer {
    private final Systems sys;

    Repairer(Systems sys) {
        this.sys = sys;
    }

    /** Returns what was repaired, or empty when nothing was interrupted. */
    Optional<String> repairIfInterrupted(String service, PhaseClock pc) {
        Optional<Journal> found = sys.store().readJournal(service);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Journal j = found.get();
        String started = pc.now();
        long t0 = System.nanoTime();
        String what = j.kind() + " " + j.opId() + " was interrupted in phase " + j.phase();
        String detail = pc.run(Phase.REPAIR, what + "; repairing", () -> {
            if (Phase.RETIRE.label().equals(j.phase())) {
                ServiceState now = sys.store().readState(service).value();
                new Retirer(sys).retireUnlisted(service, sys.routerFor().apply(now.router()), now.drainTimeout(),
                        pc.sink(Phase.REPAIR));
                sys.store().deleteJournal(service);
                return what + " after it had committed; finished it (retired what the state no longer names)";
            }
            List<String> problems = new Restorer(sys).restore(service, j, pc.sink(Phase.REPAIR));
            if (!problems.isEmpty()) {
                throw new RollbackFailedException("repair of " + what + " is incomplete, a human must look:\n  - "
                        + String.join("\n  - ", problems) + "\nthe journal bluegreen/" + service + "/journal is kept", null);
            }
            sys.store().deleteJournal(service);
            return what + "; restored traffic, state and replicas as they were before it";
        });
        try {
            sys.store().appendHistory(service, HistoryRecord.of(DeployIds.next(sys.clock()), OperationKind.REPAIR.label(), service)
                    .by(sys.actor()).outcome(Outcome.REPAIRED.label()).release(j.version(), null, null).colors(j.target(), null)
                    .started(started, t0).reason(pc.redact(detail)).phases(pc.timings()).build(pc.now()));
        } catch (RuntimeException e) {
            pc.warn(Phase.REPAIR, "could not write the history record: " + e.getMessage());
        }
        return Optional.of(detail);
    }
}
