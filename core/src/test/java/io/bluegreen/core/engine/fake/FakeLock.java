package io.bluegreen.core.engine.fake;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.LockUnavailableException;
import io.bluegreen.core.engine.port.ServiceLock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** One holder per service; a second taker is refused at once (tests never contend for it). */
public final class FakeLock implements ServiceLock {
    private final Map<String, String> holders = new HashMap<>();

    @Override
    public synchronized Lease acquire(String service, String holder, Duration wait, EventSink events) {
        String other = holders.putIfAbsent(service, holder);
        if (other != null) {
            throw new LockUnavailableException("bluegreen/" + service + "/lock is held by " + other);
        }
        return () -> release(service);
    }

    private synchronized void release(String service) {
        holders.remove(service);
    }

    /** Who holds the lock of {@code service}, if anyone: a finished run, even a failed one, must not. */
    public synchronized Optional<String> holder(String service) {
        return Optional.ofNullable(holders.get(service));
    }
}
