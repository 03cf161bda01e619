package io.bluegreen.core.engine;

import io.bluegreen.core.spec.Durations;

/**
 * RETIRE, after the commit: what the new state no longer names is drained and removed, then the journal is closed. A
 * failure here only warns: traffic is where the commit put it.
 */
final class RetirePhase {
    private final Execution x;

    RetirePhase(Execution x) {
        this.x = x;
    }

    void run() {
        retire();
        closeJournal();
    }

    private void retire() {
        Transition t = x.t;
        try {
            x.journal(Phase.RETIRE);
        } catch (RuntimeException e) {
            // The journal still says an earlier phase, whose repair would undo a committed, verified operation.
            x.warn("the journal could not be moved to retire (" + e.getMessage() + "); closing it instead");
            closeJournal();
        }
        if (!t.retire().any()) {
            return;
        }
        Transition.Commit c = t.commit();
        try {
            x.pc.run(Phase.RETIRE, c.takesProduction() && c.keep().isZero() ? "retiring the old colors now"
                    : c.takesProduction() && t.previous() != null ? "keeping " + t.previous().label() + " warm for "
                            + Durations.format(c.keep()) + "; retiring what the state no longer names"
                            : "retiring what the state no longer names",
                    () -> new Retirer(x.sys).retireUnlisted(t.service(), x.router, t.retire().drain(), x.pc.sink(Phase.RETIRE)));
        } catch (RuntimeException e) {
            x.warn("retiring old replicas failed (traffic is on " + t.color().label() + " as committed): " + e.getMessage());
        }
    }

    /** Done: a journal left behind says retire, so the next lock holder only finishes what is left. */
    private void closeJournal() {
        try {
            x.sys.store().deleteJournal(x.t.service());
        } catch (RuntimeException e) {
            x.warn("the journal bluegreen/" + x.t.service() + "/journal could not be deleted (" + e.getMessage()
                    + "); the next operation's repair closes it");
        }
    }
}
