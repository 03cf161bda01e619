package io.bluegreen.core.engine;

/**
 * How a more urgent operation stops a running one: the heal loop cancels, the runner checks between its steps
 * and its gate at every wake-up, then undoes what the interrupted operation had done so far.
 */
public final class Cancellation {
    /** For operations nobody can interrupt (a deploy, a rollback by hand). */
    public static final Cancellation NEVER = new Cancellation();
    private volatile String reason;

    public void cancel(String why) {
        if (this != NEVER) {
            reason = why;
        }
    }

    public boolean cancelled() {
        return reason != null;
    }

    /** Throws {@link PreemptedException} once cancelled. */
    public void check() {
        String why = reason;
        if (why != null) {
            throw new PreemptedException(why);
        }
    }

    /** The running operation was interrupted for a more urgent one; the runner undoes what it did. */
    public static final class PreemptedException extends PhaseFailure {
        public PreemptedException(String why) {
            super("interrupted for a more urgent operation: " + why);
        }
    }
}
