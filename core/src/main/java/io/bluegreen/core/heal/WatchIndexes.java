package io.bluegreen.core.heal;

import io.bluegreen.core.engine.port.StateStore;
import java.util.HashMap;
import java.util.Map;

/**
 * The replay guard of the heal server. Consul sends {@code X-Consul-Index} with each watch invocation and
 * only invokes again when the index moved, so a POST quoting an index below the highest one handled (or
 * that same index a second time) is a replay. The highest index is kept in memory and in the note
 * {@code bluegreen/S/notes/heal-server-index}, so a restarted server still refuses old POSTs; the equal
 * index of Consul's start-up firing is accepted once after such a restart.
 */
public final class WatchIndexes {
    static final String NOTE = "heal-server-index";
    private final StateStore store;
    private final Map<String, Seen> seen = new HashMap<>();

    private record Seen(long index, boolean handledHere) {
    }

    public WatchIndexes(StateStore store) {
        this.store = store;
    }

    /** True, and remembered, when {@code index} is new for {@code service}; false for a replay. */
    public synchronized boolean accept(String service, long index) {
        Seen s = seen.computeIfAbsent(service, x -> new Seen(persisted(x), false));
        if (index < s.index() || (index == s.index() && s.handledHere())) {
            return false;
        }
        store.writeNote(service, NOTE, Long.toString(index));
        seen.put(service, new Seen(index, true));
        return true;
    }

    private long persisted(String service) {
        try {
            return store.readNote(service, NOTE).map(String::strip).map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
