package io.bluegreen.core.heal;

import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Observed;
import io.bluegreen.core.engine.PreviewState;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.Versioned;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One per service in the heal server: runs heals one at a time, off the caller's thread; a trigger that
 * arrives while a heal runs is queued once, and every further one coalesces into it. It also reconciles
 * on its own, with a blocking query on the service's health, because Consul's HTTP watch handler never
 * retries a POST it lost; and it keeps observing while a heal runs: when the situation turns more urgent
 * than what the heal acts on (every active replica dead beside a passing standby, during a replacement), it
 * interrupts that heal, which undoes what it started, and the urgent one runs next, without a grace period.
 */
public final class HealWorker implements AutoCloseable {
    /**
     * How long one blocking query on the service's health may wait before the state is read again for a preview's
     * deadlines: a deploy into preview changes no health that would wake us.
     */
    static final Duration PREVIEW_LOOK = Duration.ofSeconds(5);
    private static final long MAX_BACKOFF_MS = 30_000;
    private final String service;
    private final Systems sys;
    private final Healer healer;
    private final Consumer<String> log;
    private final ExecutorService heals;
    private final Thread reconciler;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean urgentNext = new AtomicBoolean();
    private final AtomicBoolean settling = new AtomicBoolean();
    private volatile Healer.Run running;
    private volatile boolean stopped;

    public enum Trigger { QUEUED, COALESCED, STOPPED }

    private final Optional<TrendWatch> trends;

    /** {@code log} receives one line per action, already redacted. */
    public HealWorker(String service, Systems sys, Healer healer, Consumer<String> log) {
        this(service, sys, healer, log, Optional.empty());
    }

    /** With {@code trends}, a {@link TrendWatch} also hands this worker the replicas it sees degrade. */
    public HealWorker(String service, Systems sys, Healer healer, Consumer<String> log, Optional<TrendSettings> trends) {
        this.service = service;
        this.sys = sys;
        this.healer = healer;
        this.log = line -> log.accept(sys.redactor().redact(line));
        this.heals = Executors.newSingleThreadExecutor(r -> daemon(r, "heal-" + service));
        this.reconciler = daemon(this::reconcile, "reconcile-" + service);
        reconciler.start();
        this.trends = trends.map(t -> new TrendWatch(service, sys, t, this::degraded, this.log));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Asks for a heal; returns at once. */
    public Trigger trigger(String why) {
        return trigger(why, false);
    }

    private Trigger trigger(String why, boolean urgent) {
        if (stopped) {
            return Trigger.STOPPED;
        }
        if (urgent) {
            urgentNext.set(true);
        }
        if (!queued.compareAndSet(false, true)) {
            return Trigger.COALESCED;
        }
        heals.execute(() -> {
            queued.set(false);
            runHeal(why, new Healer.Run(urgentNext.getAndSet(false)), run -> healer.heal(service, run));
        });
        return Trigger.QUEUED;
    }

    /** A trend rule's decision: run in turn with the other heals, through the same transition runner. */
    private void degraded(HealDecision d) {
        if (stopped) {
            return;
        }
        log.accept("trends " + service + ": " + d.reason() + " -> " + d.action().label());
        heals.execute(() -> runHeal("trend", new Healer.Run(true), run -> healer.healTrend(service, d, run)));
    }

    private void runHeal(String why, Healer.Run run, Function<Healer.Run, HealOutcome> heal) {
        if (stopped) {
            return;
        }
        running = run;
        try {
            HealOutcome o = heal.apply(run);
            log.accept("heal " + service + " (" + why + "): " + o.outcome() + " (" + o.action().label() + ") in "
                    + o.durationMs() + " ms: " + o.reason());
        } catch (RuntimeException e) {
            log.accept("heal " + service + " (" + why + "): failed: " + e.getMessage());
        } finally {
            running = null;
        }
    }

    /**
     * A person's rollback through the server: a running heal is interrupted (a person decided; it undoes what it
     * started), then the flip to the standby runs on the caller's thread, under the service lock like any operation.
     */
    public DeployResult rollback(DeployListener caller, OptionalLong seenIndex) {
        Healer.Run r = running;
        if (r != null) {
            r.cancel("a person asked for a rollback");
            log.accept("rollback " + service + ": interrupting the running heal");
        }
        return healer.rollback(service, caller, seenIndex);
    }

    /** Interrupts the running heal when {@code d} is more urgent than what it acts on; true when it did. */
    private boolean preempt(HealDecision d, ServiceState state) {
        Healer.Run r = running;
        int urgency = HealPolicy.urgency(d, state);
        if (r == null || r.urgency() == 0 || urgency <= r.urgency()) {
            return false;
        }
        r.cancel(d.reason());
        log.accept("reconcile " + service + ": " + d.reason() + " -> interrupting the running heal (less urgent), then "
                + d.action().label() + " at once: " + trigger("preempt", true).name().toLowerCase());
        return true;
    }

    /** Each change of the service's health that the policy would act on triggers a heal; errors back off, logged once. */
    private void reconcile() {
        long index = 0;
        int failures = 0;
        while (!stopped) {
            try {
                Versioned<List<Instance>> health = sys.registry().awaitChange(service, index, untilPreviewDeadline());
                boolean changed = health.index() != index;
                index = health.index();
                if (failures > 0) {
                    log.accept("reconcile " + service + ": Consul answers again");
                }
                failures = 0;
                if (changed) {
                    ServiceState state = sys.store().readState(service).value();
                    HealDecision d = HealPolicy.decide(new Observed(service, new Versioned<>(state, 0),
                            sys.cluster().list(service), health.value(), true));
                    if (d.action() != HealDecision.Action.NONE && !preempt(d, state)) {
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

    /**
     * A preview's deadline that has passed is carried out on the heal thread (abort past its timeout, promote after
     * its bake time); returns how long the next blocking query may wait so the next deadline is not missed.
     */
    private Duration untilPreviewDeadline() {
        Optional<PreviewState> preview = sys.store().readState(service).value().inPreview();
        if (preview.isEmpty()) {
            return PREVIEW_LOOK;
        }
        Instant now = sys.clock().instant();
        if (preview.get().due(now).isPresent()) {
            if (settling.compareAndSet(false, true)) {
                heals.execute(() -> {
                    try {
                        healer.settleDue(service).ifPresent(done -> log.accept("preview " + service + ": " + done.describe()));
                    } catch (RuntimeException e) {
                        log.accept("preview " + service + ": its deadline passed, but: " + e.getMessage());
                    } finally {
                        settling.set(false);
                    }
                });
            }
            return Duration.ofSeconds(1);
        }
        Instant next = Instant.parse(preview.get().until());
        if (preview.get().promoteAt() != null && Instant.parse(preview.get().promoteAt()).isBefore(next)) {
            next = Instant.parse(preview.get().promoteAt());
        }
        Duration left = Duration.between(now, next).plusMillis(100);
        return left.compareTo(PREVIEW_LOOK) > 0 ? PREVIEW_LOOK : left;
    }

    /** Stops reconciling, lets a running heal finish for up to {@code wait}, then interrupts it. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration wait) {
        stopped = true;
        trends.ifPresent(TrendWatch::close);
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
