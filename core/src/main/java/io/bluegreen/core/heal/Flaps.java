package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Instance;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How often each replica's Consul check changed its verdict lately, from looks at its health: a change of health
 * between two looks is one flap; a check whose index moved while its health looks the same went away and came back
 * between them, two. Not thread-safe: one trend watch looks at a time.
 */
final class Flaps {
    private final Duration window;
    private final Map<String, Seen> seen = new HashMap<>();

    private static final class Seen {
        Instance.Health health;
        long index;
        final Deque<Long> flaps = new ArrayDeque<>();
    }

    Flaps(Duration window) {
        this.window = window;
    }

    /** One look at a replica's check at {@code nanos} (System.nanoTime()). */
    void look(String id, Instance.Health health, long index, long nanos) {
        Seen s = seen.get(id);
        if (s == null) {
            s = new Seen();
            s.health = health;
            s.index = index;
            seen.put(id, s);
            return;
        }
        if (health != s.health) {
            s.flaps.add(nanos);
        } else if (index != s.index) {
            s.flaps.add(nanos);
            s.flaps.add(nanos);
        }
        s.health = health;
        s.index = index;
        while (!s.flaps.isEmpty() && s.flaps.peekFirst() < nanos - window.toNanos()) {
            s.flaps.removeFirst();
        }
    }

    /** The flaps of {@code id} within the window as of the last look. */
    int count(String id) {
        Seen s = seen.get(id);
        return s == null ? 0 : s.flaps.size();
    }

    /** The replica, among those passing now, that flapped at least {@code limit} times in the window, most first. */
    Optional<String> flapping(Map<String, Instance.Health> now, int limit) {
        return now.entrySet().stream().filter(e -> e.getValue() == Instance.Health.PASSING).map(Map.Entry::getKey)
                .filter(id -> count(id) >= limit).max(Comparator.comparingInt(this::count));
    }

    /** Forgets replicas no longer looked at. */
    void keepOnly(Set<String> ids) {
        seen.keySet().retainAll(ids);
    }
}
