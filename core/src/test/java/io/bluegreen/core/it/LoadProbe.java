package io.bluegreen.core.it;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests through the proxy in a loop while a test deploys; counts what clients would have seen. Bounded to 3 minutes. */
public final class LoadProbe implements AutoCloseable {
    private final String url;
    private final Thread thread;
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger connectionErrors = new AtomicInteger();
    private final Set<String> errors = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    private LoadProbe(String url) {
        this.url = url;
        this.thread = new Thread(this::loop, "load-probe");
        this.thread.setDaemon(true);
    }

    public static LoadProbe start(String url) {
        LoadProbe p = new LoadProbe(url);
        p.thread.start();
        return p;
    }

    private void loop() {
        long end = System.nanoTime() + 180_000_000_000L;
        while (!stopped && System.nanoTime() < end) {
            Stack.Response r = Stack.get(url);
            if (r.status() == -1) {
                connectionErrors.incrementAndGet();
                errors.add(r.body());
            } else if (r.status() >= 500) {
                serverErrors.incrementAndGet();
                errors.add("HTTP " + r.status());
            } else {
                ok.incrementAndGet();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public int ok() {
        return ok.get();
    }

    public int serverErrors() {
        return serverErrors.get();
    }

    public int connectionErrors() {
        return connectionErrors.get();
    }

    public String summary() {
        return ok + " ok, " + serverErrors + " 5xx, " + connectionErrors + " connection errors " + errors;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
    }
}
