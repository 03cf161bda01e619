package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.port.Prober;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Requests a URL (the proxy's public address) in the background, with a pause between an answer and the next
 * request, and counts failures and the longest time between two successes. Failures before the first success are
 * not counted (a first deploy replaces a proxy that answered nothing, and nginx's old workers finish a reload still
 * answering as before); a probe that never succeeds fails.
 */
public final class UrlProbe implements Prober.Probe {
    private final URI url;
    private final Duration pause;
    private final long endNanos;
    private long lastSuccessNanos;
    private long longestGapNanos;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean settled;
    private final Thread thread;
    private volatile boolean stopped;

    private UrlProbe(URI url, Duration maxDuration, Duration pause) {
        this.url = url;
        this.pause = pause;
        this.endNanos = System.nanoTime() + maxDuration.plusSeconds(5).toNanos();
        this.thread = new Thread(this::loop, "bluegreen-url-probe");
        this.thread.setDaemon(true);
    }

    /** Probes until {@link #stop()}, and never longer than {@code maxDuration} plus a margin ({@link Prober}). */
    public static UrlProbe start(URI url, Duration maxDuration, Duration pause) {
        UrlProbe p = new UrlProbe(url, maxDuration, pause);
        p.thread.start();
        return p;
    }

    private void loop() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (!stopped && System.nanoTime() < endNanos) {
            sent.incrementAndGet();
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() >= 400) {
                    fail("HTTP " + r.statusCode());
                } else {
                    succeeded();
                }
            } catch (java.io.IOException e) {
                fail(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void succeeded() {
        long now = System.nanoTime();
        if (settled) {
            longestGapNanos = Math.max(longestGapNanos, now - lastSuccessNanos);
        }
        lastSuccessNanos = now;
        settled = true;
    }

    private void fail(String why) {
        if (settled) {
            longestGapNanos = Math.max(longestGapNanos, System.nanoTime() - lastSuccessNanos);
            failed.incrementAndGet();
            firstError.compareAndSet(null, why);
        } else {
            firstError.compareAndSet(null, why + " (before the first success)");
        }
    }

    @Override
    public void stop() {
        stopped = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int sent() {
        return sent.get();
    }

    @Override
    public int failed() {
        return settled ? failed.get() : sent.get();
    }

    @Override
    public long longestGapMs() {
        return longestGapNanos / 1_000_000;
    }

    @Override
    public String firstError() {
        return firstError.get();
    }
}
