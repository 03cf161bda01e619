package io.bluegreen.core.engine;

import java.util.Locale;

/** How an operation ended, as its history record says it. */
public enum Outcome {
    SUCCEEDED,
    /** A release passed its gate and its pre-promotion hooks and waits in preview for its promotion. */
    IN_PREVIEW,
    /** Nothing was changed (refused before acting), or a non-release operation was undone. */
    FAILED,
    /** A release (deploy, redeploy) failed and was undone: traffic where it was. */
    ROLLED_BACK,
    /** The undo itself failed: the journal is kept, a human must look. */
    ROLLBACK_FAILED,
    /** Interrupted for a more urgent operation, and undone. */
    PREEMPTED,
    /** An interrupted operation was undone or finished by the next lock holder. */
    REPAIRED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
