package io.bluegreen.core.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PushResponseItem;
import io.bluegreen.core.engine.port.EventSink;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows a push stream: reports progress at most twice a second and keeps the stream's own error,
 * which docker-java's plain callbacks would otherwise swallow.
 */
final class PushProgress extends ResultCallback.Adapter<PushResponseItem> {
    private final EventSink events;
    private final Map<String, long[]> layers = new ConcurrentHashMap<>();
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
        if (item.getId() != null && item.getProgressDetail() != null && item.getProgressDetail().getTotal() != null) {
            layers.put(item.getId(), new long[] {
                    item.getProgressDetail().getCurrent() == null ? 0 : item.getProgressDetail().getCurrent(),
                    item.getProgressDetail().getTotal()});
        }
        long now = System.currentTimeMillis();
        if (now - lastReport >= 500 && !layers.isEmpty()) {
            lastReport = now;
            events.progress("pushing: " + summary().replace("uploaded", "in flight"));
        }
    }

    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    String summary() {
        long done = layers.values().stream().mapToLong(l -> l[0]).sum();
        long total = layers.values().stream().mapToLong(l -> l[1]).sum();
        return layers.size() + " layer(s) uploaded, " + kb(done) + " of " + kb(total);
    }

    private static String kb(long bytes) {
        return bytes < 1024 * 1024 ? (bytes / 1024) + " KiB" : String.format("%.1f MiB", bytes / 1048576.0);
    }
}
