package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.port.MetricsSource;
import io.bluegreen.core.engine.port.TrafficSeries;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.AnalysisSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * The heal server's trend rule for one service, looking every interval at the active color: a replica whose Consul
 * check flaps ({@link Flaps}: {@value #FLAPS} changes of verdict within a minute, passing now); behind a router that
 * exports its traffic (HAProxy, nginx in runtime mode), a release of the last ten minutes failing more than its warm
 * standby did, and a replica standing out from its siblings in Prometheus ({@link Trends}; the router's exporter,
 * HAProxy's or nginx's, names each server by its endpoint). The same finding {@code rounds} rounds in a row hands a
 * {@code replace-degraded} or {@code rollback-degraded} decision to the service's heal worker, which runs it through the
 * transition runner like any heal (one at a time, rate-limited).
 * Bounded: one round per interval, each query bounded by the client.
 */
final class TrendWatch implements AutoCloseable {
    /** How long after a release a whole color degrading is rolled back to the standby (later it is a heal's business). */
    static final Duration RELEASE_WINDOW = Duration.ofMinutes(10);
    /** A check that changed its verdict this often within the window flaps: its replica is replaced while it passes. */
    static final int FLAPS = 4;
    static final Duration FLAP_WINDOW = Duration.ofMinutes(1);
    private final String service;
    private final Systems sys;
    private final MetricsSource metrics;
    private final TrendSettings settings;
    private final Consumer<HealDecision> act;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile boolean stopped;
    private String suspect;
    private int streak;
    private String lastProblem;
    private final Flaps flaps = new Flaps(FLAP_WINDOW);
    /** The replica last handed to the worker, left alone until the state no longer names it (at most a minute). */
    private String handedOver;
    private long handedOverUntil;

    TrendWatch(String service, Systems sys, TrendSettings settings, Consumer<HealDecision> act, Consumer<String> log) {
        this.service = service;
        this.sys = sys;
        this.metrics = sys.metrics().apply(settings.prometheus());
        this.settings = settings;
        this.act = act;
        this.log = log;
        this.thread = new Thread(this::loop, "trends-" + service);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stopped) {
            try {
                Thread.sleep(settings.interval().toMillis());
                round();
                lastProblem = null;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                String problem = String.valueOf(e.getMessage());
                if (!problem.equals(lastProblem)) {
                    log.accept("trends " + service + ": " + problem + "; trying again every " + Durations.format(settings.interval()));
                }
                lastProblem = problem;
            }
        }
    }

    /**
     * One look: a recent release degrading as a whole against its standby first, else one replica standing out from its
     * siblings; the same finding must come {@code rounds} times in a row before anything acts.
     */
    void round() {
        ServiceState state = sys.store().readState(service).value();
        Optional<Color> active = state.activeColor();
        if (active.isEmpty()) {
            streak = 0;
            return;
        }
        ColorState cs = state.color(active.get()).orElseThrow();
        Map<String, Instance.Health> checks = new LinkedHashMap<>();
        long now = System.nanoTime();
        sys.registry().instances(service).stream().filter(i -> cs.replicaIds().contains(i.id())).forEach(i -> {
            flaps.look(i.id(), i.health(), i.checkIndex(), now);
            checks.put(i.id(), i.health());
        });
        flaps.keepOnly(checks.keySet());
        if (handedOver != null && cs.replicaIds().contains(handedOver) && now < handedOverUntil) {
            return; // its replacement is under way
        }
        handedOver = null;
        Optional<String> flapping = flaps.flapping(checks, FLAPS);
        if (flapping.isPresent()) {
            String finding = "the check of " + flapping.get() + " changed " + flaps.count(flapping.get()) + " times in "
                    + Durations.format(FLAP_WINDOW) + " (passing now)";
            held("flap:" + flapping.get(), finding, new HealDecision(HealDecision.Action.REPLACE_DEGRADED, active.get(),
                    List.of(flapping.get()), "trend: " + finding));
            return;
        }
        Optional<TrafficSeries> series = state.router() == null ? Optional.empty()
                : sys.routerFor().apply(state.router()).metrics();
        if (series.isEmpty()) {
            suspect = null;
            streak = 0;
            return; // the figures below come from the router's exporter
        }
        TrafficSeries q = series.get();
        Optional<String> release = degradedRelease(state, active.get(), cs, q);
        if (release.isPresent()) {
            held("color:" + active.get().label(), release.get(), new HealDecision(HealDecision.Action.ROLLBACK_DEGRADED,
                    active.get(), cs.replicaIds(), "trend: " + release.get()));
            return;
        }
        Optional<Trends.Outlier> o = Trends.outlier("average response time (s)",
                        values(cs, q::serverLatency), settings.ratio(),
                        settings.latencyFloor().toMillis() / 1000.0)
                .or(() -> Trends.outlier("5xx share over " + Durations.format(settings.window()),
                        values(cs, endpoint -> q.serverErrorShare(endpoint, Durations.format(settings.window()))),
                        settings.ratio(), settings.errorFloor()));
        if (o.isEmpty()) {
            suspect = null;
            streak = 0;
            return;
        }
        held(o.get().replica(), o.get().describe(), new HealDecision(HealDecision.Action.REPLACE_DEGRADED, active.get(),
                List.of(o.get().replica()), "trend: " + o.get().describe()));
    }

    /**
     * The same finding {@code rounds} rounds in a row acts: {@code decision}, its reason completed with the rounds, goes
     * to the worker, and the color's replicas are left alone while it runs.
     */
    private void held(String key, String finding, HealDecision decision) {
        streak = key.equals(suspect) ? streak + 1 : 1;
        suspect = key;
        String rounds = ", " + streak + " of " + settings.rounds() + " rounds " + Durations.format(settings.interval())
                + " apart, while the checks still pass";
        if (streak < settings.rounds()) {
            log.accept("trends " + service + ": watching " + finding + rounds);
            return;
        }
        streak = 0;
        suspect = null;
        handedOver = decision.failed().get(0);
        handedOverUntil = System.nanoTime() + 60_000_000_000L;
        act.accept(new HealDecision(decision.action(), decision.color(), decision.failed(), decision.reason() + rounds));
    }

    /**
     * A release of the last {@link #RELEASE_WINDOW} whose whole active color answers 5xx more often than the warm
     * standby did before it (over the same window, ending when the release started), above the floor and by more than
     * the ratio: what to say, or empty.
     */
    private Optional<String> degradedRelease(ServiceState state, Color active, ColorState cs, TrafficSeries q) {
        Optional<ColorState> standby = state.color(active.other());
        if (standby.isEmpty() || standby.get().standbyUntil() == null || cs.since() == null || cs.endpoints().isEmpty()) {
            return Optional.empty();
        }
        Duration age = Duration.between(Instant.parse(cs.since()), sys.clock().instant());
        if (age.isNegative() || age.compareTo(RELEASE_WINDOW) > 0) {
            return Optional.empty();
        }
        String window = Durations.format(settings.window());
        OptionalDouble now = metrics.query(q.errorShare(String.join("|", cs.endpoints()), window, ""));
        if (now.isEmpty() || Double.isNaN(now.getAsDouble()) || now.getAsDouble() <= settings.errorFloor()) {
            return Optional.empty();
        }
        OptionalDouble before = metrics.query(q.errorShare(String.join("|", standby.get().endpoints()), window,
                " offset " + Math.max(1, age.toSeconds()) + "s"));
        double b = before.isPresent() && !Double.isNaN(before.getAsDouble()) ? before.getAsDouble() : 0;
        if (now.getAsDouble() <= settings.ratio() * b) {
            return Optional.empty();
        }
        return Optional.of("5xx share of " + active.label() + " (" + cs.version() + ") over " + window + " = "
                + AnalysisSpec.format(now.getAsDouble()) + " against " + AnalysisSpec.format(b) + " for "
                + active.other().label() + " (" + standby.get().version() + ") before the release "
                + Durations.format(Duration.ofSeconds(age.toSeconds())) + " ago");
    }

    /** Replica id → value, for the replicas whose query has data. */
    private Map<String, Double> values(ColorState cs, java.util.function.Function<String, String> query) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < cs.replicaIds().size() && i < cs.endpoints().size(); i++) {
            OptionalDouble v = metrics.query(query.apply(cs.endpoints().get(i)));
            if (v.isPresent() && !Double.isNaN(v.getAsDouble())) {
                out.put(cs.replicaIds().get(i), v.getAsDouble());
            }
        }
        return out;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
