package io.bluegreen.core.engine;

import java.util.List;
import java.util.Optional;

/**
 * Finishes what a dead deployer left: an operation that had not committed is rolled back to the state
 * its journal recorded; one that had (it was retiring) is only closed. Runs under the service lock.
 */
final class Repairer {
    private final Systems sys;
    private final Restorer restorer;

    Repairer(Systems sys) {
        this.sys = sys;
        this.restorer = new Restorer(sys);
    }

    /** Returns what was repaired, or empty when nothing was interrupted. */
    Optional<String> repairIfInterrupted(String service, PhaseClock pc) {
        Optional<Journal> found = sys.store().readJournal(service);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Journal j = found.get();
        String started = sys.clock().instant().toString();
        long t0 = System.nanoTime();
        String what = j.kind() + " " + j.deployId() + " was interrupted in phase " + j.phase();
        String outcome;
        String detail = pc.run(Phase.REPAIR, what + "; repairing", () -> {
            if (Phase.RETIRE.label().equals(j.phase())) {
                String renewed = "replace".equals(j.kind()) ? retireRenewed(service, j, pc) : "";
                sys.store().deleteJournal(service);
                return what + " after it had committed; kept its result" + renewed;
            }
            List<String> problems = restorer.restore(service, j);
            if (!problems.isEmpty()) {
                throw new RollbackFailedException("repair of " + what + " is incomplete, a human must look:\n  - "
                        + String.join("\n  - ", problems) + "\nthe journal bluegreen/" + service + "/journal is kept", null);
            }
            sys.store().deleteJournal(service);
            return what + "; restored traffic, state and replicas as they were before it";
        });
        outcome = "repaired";
        sys.store().appendHistory(service, new HistoryRecord(DeployIds.next(sys.clock()), "repair", outcome, service,
                j.version(), j.target(), null, null, null, started, sys.clock().instant().toString(),
                (System.nanoTime() - t0) / 1_000_000, pc.redact(detail), pc.timings()));
        return Optional.of(detail);
    }

    /** A heal's renewal that died while retiring: the deploy it renewed is no longer in the state; remove it. */
    private String retireRenewed(String service, Journal j, PhaseClock pc) {
        String renewed = j.previous().color(Color.of(j.target())).map(ColorState::deployId).orElse(null);
        if (renewed == null || renewed.equals(j.deployId())) {
            return "";
        }
        List<Replica> left = sys.cluster().list(service).stream().filter(r -> renewed.equals(r.deployId())).toList();
        new Retirer(sys).retire(service, left, pc.sink(Phase.REPAIR));
        return "; removed the " + left.size() + " replica(s) of the renewed deploy " + renewed;
    }
}
