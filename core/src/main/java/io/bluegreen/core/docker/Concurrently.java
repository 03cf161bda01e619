package io.bluegreen.core.docker;

import io.bluegreen.core.engine.port.ClusterException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs an action for every item at the same time and waits. Talking to Docker engines is waiting on I/O; a
 * parallel stream would give only as many threads as cores (one or two on a small machine).
 */
final class Concurrently {
    private static final int MAX_THREADS = 32;

    private Concurrently() {
    }

    /** The first failure is rethrown after every item has finished. */
    static <T> void each(Collection<T> items, Consumer<T> action) {
        if (items.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(items.size(), MAX_THREADS));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> action.accept(item)));
            }
            RuntimeException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException r = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    first = first == null ? r : first;
                }
            }
            if (first != null) {
                throw first;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while talking to Docker", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
