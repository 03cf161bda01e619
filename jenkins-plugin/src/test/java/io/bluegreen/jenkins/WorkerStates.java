package io.bluegreen.jenkins;

import java.time.Duration;
import java.util.function.Predicate;

/** What a watched service's entry says of its heal worker, once the workers restarted in the background. */
final class WorkerStates {
    private WorkerStates() {}

    /** Waits (at most 10 s) until the entry of {@code service} says what {@code wanted} accepts; returns what it says. */
    static String await(String service, Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String state = HealWorkers.get().state(service);
        while (!wanted.test(state) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            state = HealWorkers.get().state(service);
        }
        return state;
    }

    /** Waits until the entry of {@code service} says anything but "starting". */
    static String awaitStarted(String service) throws InterruptedException {
        return await(service, s -> !s.equals(Messages.HealWorkers_Starting()));
    }
}
