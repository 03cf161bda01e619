package io.bluegreen.core.engine.fake;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Where a test makes the fakes misbehave. Each fake asks {@link #hit} at its named step; what a test armed there
 * decides what happens: the fake fails in its own way, a hook runs (a cancellation, a replica exiting), or the
 * runner "dies" on the spot ({@link Killed}), leaving its journal as a crashed process would. A step holds one
 * arming at a time: arming it again replaces the first.
 */
public final class Faults {

    /** The steps the fakes report, each named after the port call it happens in. */
    public enum Step {
        /** {@code ImageStore.ensurePresent}/{@code push} fails. */
        PULL,
        /** {@code ReplicaCluster.start} fails at the plan's last replica, after the others ran and were registered. */
        START,
        /** {@code ServiceRegistry.register} fails. */
        REGISTER,
        /** New registrations stay critical: the health gate never passes. */
        GATE,
        /** {@code ServiceRegistry.awaitChange}: the gate or the verify window waits (for hooks: a cancellation, a crash, a kill). */
        AWAIT,
        /** {@code TrafficRouter.route} changes the routing, then fails (a proxy that did not confirm). */
        ROUTE,
        /** {@code TrafficRouter.restore} fails. */
        RESTORE,
        /** {@code StateStore.writeState} fails before writing. */
        WRITE_STATE,
        /** {@code StateStore.writeState} answers false: someone else wrote first. */
        CAS_CONFLICT,
        /** {@code StateStore.writeState} writes, then fails (the answer was lost on the way back). */
        WRITE_LOST,
        /** {@code StateStore.writeJournal} fails. */
        JOURNAL,
        /** {@code ReplicaCluster.remove} fails. */
        REMOVE
    }

    /** What a fake throws for an armed step. */
    public static final class InjectedFailure extends RuntimeException {
        public InjectedFailure(Step step) {
            super("injected failure at " + step);
        }
    }

    /** The runner's process died here: an Error, so no {@code catch (RuntimeException)} in the engine undoes anything. */
    public static final class Killed extends Error {
        public Killed(Step step) {
            super("runner killed at " + step);
        }
    }

    /** {@code when}: the hit it waits for (null: the next); {@code action}: a hook (null: the step fails). */
    private record Armed(boolean once, BooleanSupplier when, Runnable action) {
    }

    private final Map<Step, Armed> armed = new ConcurrentHashMap<>();

    /** Every later hit of {@code step} fails. */
    public void fail(Step step) {
        armed.put(step, new Armed(false, null, null));
    }

    /** The next hit of {@code step} fails; later ones succeed. */
    public void failOnce(Step step) {
        armed.put(step, new Armed(true, null, null));
    }

    /** The next hit of {@code step} runs {@code action} first (which may throw), then the step goes on normally. */
    public void onNext(Step step, Runnable action) {
        armed.put(step, new Armed(true, null, action));
    }

    /** Like {@link #onNext}, at the first hit of {@code step} where {@code when} holds. */
    public void onFirst(Step step, BooleanSupplier when, Runnable action) {
        armed.put(step, new Armed(true, when, action));
    }

    /** The runner dies at the next hit of {@code step}. */
    public void kill(Step step) {
        onNext(step, () -> {
            throw new Killed(step);
        });
    }

    /** Everything works again (e.g. before a repair). */
    public void clear() {
        armed.clear();
    }

    /** Called by a fake at {@code step}: runs an armed hook, and says whether the fake must fail there. */
    public boolean hit(Step step) {
        Armed a = armed.get(step);
        if (a == null || a.when() != null && !a.when().getAsBoolean()) {
            return false;
        }
        if (a.once()) {
            armed.remove(step, a);
        }
        if (a.action() != null) {
            a.action().run();
            return false;
        }
        return true;
    }

    /** Throws {@link InjectedFailure} if {@code step} is armed to fail. */
    public void check(Step step) {
        if (hit(step)) {
            throw new InjectedFailure(step);
        }
    }
}
