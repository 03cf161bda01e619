package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HealthSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The health checks an operation waits on. The gate: every new replica must pass its check {@code passes} times in a row before its deadline. It
 * wakes on each change of Consul's health (blocking queries) and fails at once, not at the deadline, on what cannot
 * recover: a replica whose container or task exited or was removed. Verify: the new replicas stay passing. A
 * cancelled operation stops waiting.
 */
final class HealthGate {
    /** How long one blocking read waits, so a dead replica or a cancellation is noticed within about this. */
    private static final Duration WAKE = Duration.ofSeconds(1);
    /** While a streak runs nothing in Consul changes: look again this often to see it complete. */
    private static final long STREAK_POLL_MS = 200;
    /** How often the cluster is asked whether the replicas still run. */
    private static final long RUN_CHECK_MS = 500;
    private final Systems sys;

    HealthGate(Systems sys) {
        this.sys = sys;
    }

    /**
     * Consul 1.8 does not hold a check that starts critical to {@code SuccessBeforePassing} (measured: it passes after
     * one success), so the gate counts: a replica has passed K times in a row once it has stayed passing, with no
     * change to its check, for (K-1) intervals after Consul first said passing.
     */
    void await(String service, List<Replica> replicas, HealthSpec health, EventSink events, Cancellation cancel) {
        Set<String> ids = replicas.stream().map(Replica::id).collect(Collectors.toSet());
        long end = System.nanoTime() + health.deadline().toNanos();
        long streakNanos = health.effectiveInterval().toNanos() * (health.passes() - 1);
        Map<String, long[]> streaks = new HashMap<>(); // id -> {check index, passing since}
        Map<String, Instance> seen = new HashMap<>();
        long index = 0;
        long lastRunCheck = System.nanoTime();
        int lastCount = -1;
        while (true) {
            cancel.check();
            long now = System.nanoTime();
            int passed = (int) streaks.values().stream().filter(s -> now - s[1] >= streakNanos).count();
            if (passed != lastCount && index != 0) {
                events.progress(passed + "/" + ids.size() + " replicas passing");
                lastCount = passed;
            }
            if (passed == ids.size()) {
                return;
            }
            if (now > end) {
                throw new PhaseFailure("health gate: " + passed + "/" + ids.size() + " replicas passed " + health.path()
                        + " " + health.passes() + " times in a row within " + Durations.format(health.deadline()) + "; "
                        + describe(ids, seen));
            }
            if (now - lastRunCheck >= RUN_CHECK_MS * 1_000_000L) {
                failIfGone("health gate", service, ids, seen);
                lastRunCheck = now;
            }
            boolean streaksRunning = streaks.size() > passed;
            if (streaksRunning) {
                pause(STREAK_POLL_MS);
            }
            long left = Math.max(1, (end - System.nanoTime()) / 1_000_000L);
            Versioned<List<Instance>> r = sys.registry().awaitChange(service, streaksRunning ? 0 : index,
                    Duration.ofMillis(Math.min(WAKE.toMillis(), left)));
            index = Math.max(1, r.index());
            seen.clear();
            for (Instance i : r.value()) {
                if (!ids.contains(i.id())) {
                    continue;
                }
                seen.put(i.id(), i);
                long[] streak = streaks.get(i.id());
                if (!i.passing()) {
                    streaks.remove(i.id());
                } else if (streak == null || streak[0] != i.checkIndex()) {
                    streaks.put(i.id(), new long[] {i.checkIndex(), System.nanoTime()});
                }
            }
            streaks.keySet().retainAll(seen.keySet());
        }
    }

    /** Verify: {@code ids} must stay registered, passing and running for {@code window}; fails as soon as one does not. */
    void watch(String service, Set<String> ids, Duration window, Cancellation cancel) {
        long end = System.nanoTime() + window.toNanos();
        long index = 0;
        long lastRunCheck = System.nanoTime();
        do {
            cancel.check();
            if (System.nanoTime() - lastRunCheck >= RUN_CHECK_MS * 1_000_000L) {
                failIfGone("verify", service, ids, Map.of());
                lastRunCheck = System.nanoTime();
            }
            long left = Math.max(1, (end - System.nanoTime()) / 1_000_000L);
            Versioned<List<Instance>> r = sys.registry().awaitChange(service, index, Duration.ofMillis(Math.min(WAKE.toMillis(), left)));
            index = Math.max(1, r.index());
            Map<String, Instance> seen = r.value().stream().filter(i -> ids.contains(i.id()))
                    .collect(Collectors.toMap(Instance::id, i -> i, (a, b) -> a));
            if (seen.size() < ids.size() || seen.values().stream().anyMatch(i -> !i.passing())) {
                throw new PhaseFailure("verify: the new color stopped passing; " + describe(ids, seen));
            }
        } while (System.nanoTime() < end);
    }

    /** A replica that exited or was removed will never pass: fail now, saying so. */
    private void failIfGone(String what, String service, Set<String> ids, Map<String, Instance> seen) {
        Map<String, Replica> running = sys.cluster().list(service).stream()
                .filter(r -> ids.contains(r.id())).collect(Collectors.toMap(Replica::id, r -> r, (a, b) -> a));
        List<String> gone = new ArrayList<>();
        for (String id : ids.stream().sorted().toList()) {
            Replica r = running.get(id);
            if (r == null) {
                gone.add(id + " was removed");
            } else if (!r.running()) {
                gone.add(id + " exited");
            }
        }
        if (!gone.isEmpty()) {
            throw new PhaseFailure(what + ": " + String.join("; ", gone) + ", so it cannot pass (failed at once, not at"
                    + " the deadline); " + describe(ids, seen));
        }
    }

    private static String describe(Set<String> ids, Map<String, Instance> seen) {
        List<String> parts = new ArrayList<>();
        for (String id : ids.stream().sorted().toList()) {
            Instance i = seen.get(id);
            if (i == null) {
                parts.add(id + " is not registered");
            } else if (!i.passing()) {
                parts.add(id + " is " + i.health().name().toLowerCase()
                        + (i.output().isBlank() ? "" : " (" + abbreviate(i.output()) + ")"));
            }
        }
        return parts.isEmpty() ? "every replica is registered" : String.join("; ", parts);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PhaseFailure("interrupted while waiting for health", e);
        }
    }
}
