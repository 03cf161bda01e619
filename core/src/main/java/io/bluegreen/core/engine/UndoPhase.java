package io.bluegreen.core.engine;

import java.util.List;
import java.util.Locale;

/**
 * ROLLBACK: the one undo after a failure before retire (or a cancellation for a more urgent operation): {@link Restorer}
 * puts traffic, state and replicas back as the journal found them, the history says how it ended, and the onFailure
 * hooks are told.
 */
final class UndoPhase {
    private final Execution x;

    UndoPhase(Execution x) {
        this.x = x;
    }

    /** The exception to throw for {@code cause}: the operation was undone, or could not be and a human must look. */
    RuntimeException run(RuntimeException cause) {
        Transition t = x.t;
        Phase failed = Phase.valueOf(x.journal.phase().toUpperCase(Locale.ROOT));
        String reason = failed.label() + " failed: " + cause.getMessage();
        List<String> problems = x.pc.run(Phase.ROLLBACK, "undoing the " + t.kind().label() + " after the failed "
                + failed.label() + " (traffic, state, then what it started)",
                () -> new Restorer(x.sys).restore(t.service(), x.journal, x.pc.sink(Phase.ROLLBACK)));
        if (!problems.isEmpty()) {
            String where = t.kind().label() + " " + t.opId() + " could not be undone, a human must look:\n  - "
                    + String.join("\n  - ", problems) + "\nthe journal bluegreen/" + t.service()
                    + "/journal is kept; " + CommandHint.of("status -s " + t.service() + " --repair") + " retries";
            x.history.write(t, Outcome.ROLLBACK_FAILED, reason + "; " + String.join("; ", problems), x.startedAt, x.t0, x.flip);
            return new RollbackFailedException(x.pc.redact(where), cause);
        }
        x.sys.store().deleteJournal(t.service());
        boolean release = t.kind().isRelease();
        Outcome outcome = cause instanceof Cancellation.PreemptedException ? Outcome.PREEMPTED
                : release ? Outcome.ROLLED_BACK : Outcome.FAILED;
        x.history.write(t, outcome, reason, x.startedAt, x.t0, x.flip);
        x.notifyOnFailure(outcome.label(), reason, Phase.ROLLBACK);
        Color active = x.observed.state().activeColor().orElse(null);
        String traffic = active == null ? "no color was active before; none is now" : "traffic stays on " + active.label();
        return new DeployFailedException(failed, x.pc.redact(reason + "; " + (release ? "rolled back" : "undone") + ", "
                + traffic), cause);
    }
}
