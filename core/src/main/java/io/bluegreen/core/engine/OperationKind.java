package io.bluegreen.core.engine;

import java.util.Locale;

/** What a transition does; its label names it in the journal, the history and the log. */
public enum OperationKind {
    /** A new version in the idle color, then the flip. */
    DEPLOY,
    /** The flip back to the warm standby, asked for by a person. */
    ROLLBACK,
    /** The same flip, started by a heal because every active replica failed. */
    FAIL_BACK,
    /** New replicas beside the passing ones of a color, in place of the failed ones. */
    REPLACE,
    /** The whole color started again as a new deploy of the same version (clusters that cannot start one replica). */
    RENEW,
    /** The active version deployed again from its recorded recipe, gated: a heal with no healthy standby. */
    REDEPLOY,
    /** An older version from the history deployed again (`rollback --to VERSION`), gated like a deploy. */
    ROLLBACK_TO,
    /** The color in preview takes production traffic (in canary steps when the release has them). */
    PROMOTE,
    /** The color in preview is retired; production was never touched. */
    ABORT,
    /** Putting back, or finishing, what an interrupted operation left. */
    REPAIR;

    /** A new set of replicas into the idle color, flipped to: its failure is "rolled back", traffic where it was. */
    public boolean isRelease() {
        return this == DEPLOY || this == REDEPLOY || this == ROLLBACK_TO || this == PROMOTE;
    }

    /**
     * Whether planning it needs the replicas' run state from the cluster. A person's rollback flips to what Consul
     * calls passing and needs no Docker at all, which keeps the command quick in an incident.
     */
    public boolean readsReplicas() {
        return this != ROLLBACK;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
