package io.bluegreen.core.engine.fake;

import io.bluegreen.core.engine.port.MetricsSource;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A metrics store answering the values a test set for queries containing a given text; records every query asked. */
public final class FakeMetrics implements MetricsSource {
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    public final List<String> asked = new CopyOnWriteArrayList<>();
    public volatile boolean down;

    /** Queries that contain {@code text} answer {@code value}. */
    public FakeMetrics answer(String text, double value) {
        values.put(text, value);
        return this;
    }

    @Override
    public void ping() {
        if (down) {
            throw new SystemUnreachableException("Prometheus", "the fake store is down", null);
        }
    }

    @Override
    public OptionalDouble query(String query) {
        ping();
        asked.add(query);
        return values.entrySet().stream().filter(e -> query.contains(e.getKey())).mapToDouble(Map.Entry::getValue).findFirst();
    }

    /** The same value at every step. */
    @Override
    public List<double[]> range(String query, Instant from, Instant to, Duration step) {
        OptionalDouble v = query(query);
        List<double[]> points = new java.util.ArrayList<>();
        for (Instant t = from; v.isPresent() && !t.isAfter(to); t = t.plus(step)) {
            points.add(new double[] {t.getEpochSecond(), v.getAsDouble()});
        }
        return points;
    }
}
