package io.bluegreen.core.heal;

import java.util.HashMap;
import java.util.Map;

/**
 * Consul's {@code X-Consul-Index} per service, as a hint only. Each watch invocation carries the index of the change
 * that fired it, and an agent reload fires again with the same one (hashicorp/consul #571, #4152), so an index equal
 * to the last one handled here brings nothing new. Any other is taken, a lower one too: the index goes back after a
 * leader change or a snapshot restore, and a watch POST only wakes the service's worker to look at Consul itself, so a
 * replayed or invented index costs one look, never an action Consul's health does not call for. Nothing is kept
 * across restarts: the first POST after one is taken, and the worker reconciles at start anyway.
 */
public final class WatchIndexes {
    private final Map<String, Long> last = new HashMap<>();

    /** False when {@code index} is the one last handled for {@code service}; else true, and remembered. */
    public synchronized boolean accept(String service, long index) {
        Long before = last.put(service, index);
        return before == null || before != index;
    }
}
