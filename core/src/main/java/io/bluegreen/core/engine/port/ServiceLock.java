package io.bluegreen.core.engine.port;

import java.time.Duration;

/** One deploy, rollback or repair per service at a time; a lock dies with its holder. */
public interface ServiceLock {
    /** Waits at most {@code wait}; throws {@link LockUnavailableException} naming the holder. */
    Lease acquire(String service, String holder, Duration wait, EventSink events);

    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
