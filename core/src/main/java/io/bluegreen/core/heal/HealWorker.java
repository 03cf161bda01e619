package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.Versioned;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One per service in the heal server: runs heals one at a time, off the caller's thread; a trigger that
 * arrives while a heal runs is queued once, and every further one coalesces into it. It also reconciles
 * on its own, with a blocking query on the service's health, because Consul's HTTP watch handler never
 * retries a POST it lost.
 */
public final class HealWorker implements AutoCloseable {
    /** How long one blocking query on the service's health may wait before it is asked again. */
    static final Duration BLOCK = Duration.ofSeconds(30);
    private static final long MAX_BACKOFF_MS = 30_000;
    private final String service;
    private final Systems sys;
    private final Healer healer;
    private final Consumer<String> log;
    private final ExecutorService heals;
    private final Thread reconciler;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean stopped;

    public enum Trigger { QUEUED, COALESCED, STOPPED }

    /** {@code log} receives one line per action, already redacted. */
    public HealWorker(String service, Systems sys, Healer healer, Consumer<String> log) {
        this.service = service;
        this.sys = sys;
        this.healer = healer;
        this.log = line -> log.accept(sys.redactor().redact(line));
        this.heals = Executors.newSingleThreadExecutor(r -> daemon(r, "heal-" + service));
        this.reconciler = daemon(this::reconcile, "reconcile-" + service);
        reconciler.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Asks for a heal; returns at once. */
    public Trigger trigger(String why) {
        if (stopped) {
            return Trigger.STOPPED;
        }
        if (!queued.compareAndSet(false, true)) {
            return Trigger.COALESCED;
        }
        heals.execute(() -> {
            queued.set(false);
            runHeal(why);
        });
        return Trigger.QUEUED;
    }

    private void runHeal(String why) {
        if (stopped) {
            return;
        }
        try {
            HealOutcome o = healer.heal(service);
            log.accept("heal " + service + " (" + why + "): " + o.outcome() + " ("
                    + o.action().name().toLowerCase().replace('_', '-') + ") in " + o.durationMs() + " ms: " + o.reason());
        } catch (RuntimeException e) {
            log.accept("heal " + service + " (" + why + "): failed: " + e.getMessage());
        }
    }

    /** Each change of the service's health that the policy would act on triggers a heal; errors back off, logged once. */
    private void reconcile() {
        long index = 0;
        int failures = 0;
        while (!stopped) {
            try {
                Versioned<List<Instance>> health = sys.registry().awaitChange(service, index, BLOCK);
                boolean changed = health.index() != index;
                index = health.index();
                if (failures > 0) {
                    log.accept("reconcile " + service + ": Consul answers again");
                }
                failures = 0;
                if (changed) {
                    HealDecision d = HealPolicy.decide(sys.store().readState(service).value(), health.value());
                    if (d.action() != HealDecision.Action.NONE) {
                        log.accept("reconcile " + service + ": " + d.reason() + " -> heal " + trigger("reconcile").name().toLowerCase());
                    }
                }
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                if (failures++ == 0) {
                    log.accept("reconcile " + service + ": " + e.getMessage() + "; retrying with back-off");
                }
                try {
                    Thread.sleep(Math.min(MAX_BACKOFF_MS, 1000L << Math.min(failures, 5)));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Stops reconciling, lets a running heal finish for up to {@code wait}, then interrupts it. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration wait) {
        stopped = true;
        reconciler.interrupt();
        heals.shutdown();
        try {
            if (!heals.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                heals.shutdownNow();
                log.accept("heal " + service + ": stopped while a heal still ran (interrupted)");
            }
            reconciler.join(1000); // a blocking query in flight ends by itself within 5 s; it can only find the worker stopped
        } catch (InterruptedException e) {
            heals.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
