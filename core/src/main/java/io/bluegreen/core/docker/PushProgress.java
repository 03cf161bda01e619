package io.bluegreen.core.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PushResponseItem;
import io.bluegreen.core.engine.port.EventSink;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows a push stream: reports progress at most twice a second and keeps the stream's own error,
 * which docker-java's plain callbacks would otherwise swallow. A layer's {@code total} is the engine's estimate and
 * a small layer sends more than it (so "5 KiB of 1 KiB"): only the bytes sent and each layer's status are reported.
 */
final class PushProgress extends ResultCallback.Adapter<PushResponseItem> {
    private enum LayerStatus { WAITING, PUSHING, PUSHED, ALREADY_THERE }

    private record Layer(LayerStatus status, long sent) {
    }

    private final EventSink events;
    private final Map<String, Layer> layers = new ConcurrentHashMap<>();
    private volatile String error;
    private long lastReport;

    PushProgress(EventSink events) {
        this.events = events;
    }

    @Override
    public void onNext(PushResponseItem item) {
        if (item.getErrorDetail() != null || item.getError() != null) {
            error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                    ? item.getErrorDetail().getMessage() : item.getError();
            return;
        }
        if (item.getId() == null || item.getStatus() == null) {
            return; // the final digest line and the aux record name no layer
        }
        Layer before = layers.getOrDefault(item.getId(), new Layer(LayerStatus.WAITING, 0));
        Long current = item.getProgressDetail() == null ? null : item.getProgressDetail().getCurrent();
        Layer now = switch (item.getStatus()) {
            case "Pushing" -> new Layer(LayerStatus.PUSHING, Math.max(before.sent(), current == null ? 0 : current));
            case "Pushed" -> new Layer(LayerStatus.PUSHED, before.sent());
            case "Layer already exists" -> new Layer(LayerStatus.ALREADY_THERE, 0);
            default -> before; // Preparing, Waiting, Mounted from ...: nothing sent yet
        };
        layers.put(item.getId(), now);
        long nowMs = System.currentTimeMillis();
        if (nowMs - lastReport >= 500 && count(LayerStatus.PUSHING) > 0) {
            lastReport = nowMs;
            events.progress("pushing: " + (count(LayerStatus.PUSHED) + count(LayerStatus.ALREADY_THERE)) + " of "
                    + layers.size() + " layer(s) done, " + count(LayerStatus.PUSHING) + " in flight, " + kb(sent()) + " sent");
        }
    }

    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** "3 layer(s): 2 pushed, 1 already in the registry; 5 KiB sent". */
    String summary() {
        return layers.size() + " layer(s): " + count(LayerStatus.PUSHED) + " pushed, " + count(LayerStatus.ALREADY_THERE)
                + " already in the registry; " + kb(sent()) + " sent";
    }

    private long count(LayerStatus status) {
        return layers.values().stream().filter(l -> l.status() == status).count();
    }

    private long sent() {
        return layers.values().stream().mapToLong(Layer::sent).sum();
    }

    private static String kb(long bytes) {
        return bytes < 1024 * 1024 ? (bytes + 1023) / 1024 + " KiB" : String.format("%.1f MiB", bytes / 1048576.0);
    }
}
