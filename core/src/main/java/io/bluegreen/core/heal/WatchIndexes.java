package io.bluegreen.core.heal;

import io.bluegreen.core.engine.port.StateStore;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

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
    private final Consumer<String> warn;
    private final Map<String, Seen> seen = new HashMap<>();

    private record Seen(long index, boolean handledHere) {
    }

    /** {@code warn}: told when a service's note cannot be read as an index (it is then started afresh). */
    public WatchIndexes(StateStore store, Consumer<String> warn) {
        this.store = store;
        this.warn = warn;
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

    /** The note's index; one that is no index (a hand edit, a bad restore) is said, and the service starts afresh. */
    private long persisted(String service) {
        String note = store.readNote(service, NOTE).map(String::strip).orElse("0");
        try {
            long index = Long.parseLong(note);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        warn.accept("heal-server: bluegreen/" + service + "/notes/" + NOTE + " holds '" + abbreviated(note)
                + "', not a watch index; starting afresh: the next watch POST for " + service + " is taken");
        return 0;
    }

    private static String abbreviated(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }
}
