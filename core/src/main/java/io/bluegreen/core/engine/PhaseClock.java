package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.EventSink;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs the phases of one operation: reports each start and end with its duration, redacts every
 * message, and keeps the timings for the history record.
 */
final class PhaseClock {
    private final DeployListener listener;
    private final Redactor redactor;
    private final Clock clock;
    private final String service;
    private final String operationId;
    private final List<HistoryRecord.PhaseTiming> timings = new ArrayList<>();
    private volatile Phase current;

    PhaseClock(DeployListener listener, Redactor redactor, Clock clock, String service, String operationId) {
        this.listener = listener;
        this.redactor = redactor;
        this.clock = clock;
        this.service = service;
        this.operationId = operationId;
    }

    <T> T run(Phase phase, String startMessage, Supplier<T> body) {
        current = phase;
        emit("phase-start", phase, startMessage, null);
        long t0 = System.nanoTime();
        try {
            T result = body.get();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            timings.add(new HistoryRecord.PhaseTiming(phase.label(), ms, "ok"));
            emit("phase-end", phase, "done", ms);
            return result;
        } catch (RuntimeException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            timings.add(new HistoryRecord.PhaseTiming(phase.label(), ms, "failed"));
            emit("phase-failed", phase, e.getMessage(), ms);
            throw e;
        }
    }

    void run(Phase phase, String startMessage, Runnable body) {
        run(phase, startMessage, () -> {
            body.run();
            return null;
        });
    }

    EventSink sink(Phase phase) {
        return message -> emit("progress", phase, message, null);
    }

    void warn(Phase phase, String message) {
        emit("warning", phase, message, null);
    }

    void result(String message, long ms) {
        emit("result", null, message, ms);
    }

    String redact(String text) {
        return redactor.redact(text);
    }

    List<HistoryRecord.PhaseTiming> timings() {
        return List.copyOf(timings);
    }

    /** The phase that ran last (or runs now); null before the first. */
    Phase current() {
        return current;
    }

    String operationId() {
        return operationId;
    }

    String service() {
        return service;
    }

    String now() {
        return clock.instant().toString();
    }

    private void emit(String type, Phase phase, String message, Long ms) {
        listener.on(new DeployEvent(now(), type, service, operationId, phase == null ? null : phase.label(),
                redactor.redact(message), ms));
    }
}
