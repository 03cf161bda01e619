package io.bluegreen.core.engine.port;

import java.net.URI;
import java.time.Duration;

/**
 * Requests a URL (the proxy's public address) back to back in the background and counts what a client saw: how a
 * flip is measured and how verify checks the proxy.
 */
@FunctionalInterface
public interface Prober {
    /** Requests {@code url} with {@code pause} between an answer and the next request, until stopped, never past {@code max}. */
    Probe start(URI url, Duration max, Duration pause);

    /** One running probe; its figures are final once {@link #stop()} returned. */
    interface Probe {
        void stop();

        int sent();

        /** Failed requests after the first success; every request when none succeeded. */
        int failed();

        /** The longest time without a successful answer since the first one, in ms. */
        long longestGapMs();

        String firstError();
    }
}
