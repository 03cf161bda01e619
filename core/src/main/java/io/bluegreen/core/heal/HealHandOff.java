package io.bluegreen.core.heal;

/** Someone else does the corrective action (a Jenkins job); called at most once per incident. */
public interface HealHandOff {
    /** Where the action went, for the log and the history ("Jenkins job heal-vote #12 queued"). */
    String handOff(String service, HealDecision decision);
}
