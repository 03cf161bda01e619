package io.bluegreen.core.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.kv.model.GetValue;
import com.ecwid.consul.v1.kv.model.PutParams;
import com.ecwid.consul.v1.session.model.NewSession;
import com.ecwid.consul.v1.session.model.Session;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.LockUnavailableException;
import io.bluegreen.core.engine.port.ServiceLock;
import io.bluegreen.core.spec.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Consul session lock on {@code bluegreen/<service>/lock}. The session has a TTL we renew while we
 * live; a killed deployer stops renewing, Consul invalidates the session and the lock is free again. Consul
 * takes up to twice the TTL to notice; a holder that ran on this very machine (same boot) and whose process is
 * gone cannot come back, so its session is destroyed at once instead of waited out: a heal server or deployer
 * restarted after kill -9 goes on in about a second, not half a minute.
 */
public final class ConsulServiceLock implements ServiceLock {
    static final Duration TTL = Duration.ofSeconds(15);
    private final ConsulAgent agent;

    public ConsulServiceLock(ConsulAgent agent) {
        this.agent = agent;
    }

    @Override
    public Lease acquire(String service, String holder, Duration wait, EventSink events) {
        String key = ConsulStateStore.key(service, "lock");
        String session = createSession(service);
        long end = System.nanoTime() + wait.toNanos();
        boolean told = false;
        Set<String> freed = new HashSet<>(); // each dead holder's session is destroyed once, never in a loop
        try {
            while (true) {
                PutParams acquire = new PutParams();
                acquire.setAcquireSession(session);
                if (Boolean.TRUE.equals(agent.client().setKVValue(key, holder, agent.token(), acquire).getValue())) {
                    return new SessionLease(key, session);
                }
                Response<GetValue> current = agent.client().getKVValue(key, agent.token());
                String heldBy = current.getValue() == null ? "unknown" : current.getValue().getDecodedValue();
                String holderSession = current.getValue() == null ? null : current.getValue().getSession();
                if (holderSession != null && freed.add(holderSession) && freedDeadHolder(holderSession, heldBy, events)) {
                    continue;
                }
                long remaining = end - System.nanoTime();
                if (remaining <= 0) {
                    throw new LockUnavailableException("another operation on " + service + " holds its lock ("
                            + heldBy + "); waited " + Durations.format(wait) + ", nothing was changed");
                }
                if (!told) {
                    events.progress("waiting up to " + Durations.format(wait) + " for the lock held by " + heldBy);
                    told = true;
                }
                long index = current.getConsulIndex() == null ? 0 : current.getConsulIndex();
                long waitSeconds = Math.max(1, Math.min(5, TimeUnit.NANOSECONDS.toSeconds(remaining)));
                agent.client().getKVValue(key, agent.token(), new QueryParams(waitSeconds, index));
            }
        } catch (ConsulException e) {
            destroyQuietly(session);
            throw agent.failure(e);
        } catch (RuntimeException e) {
            destroyQuietly(session);
            throw e;
        }
    }

    /**
     * Destroys {@code session} when its name says it was made on this machine since its last boot by a process that
     * no longer runs; true when it did. Any doubt (another machine, no boot id, a live process) leaves it alone.
     */
    private boolean freedDeadHolder(String session, String heldBy, EventSink events) {
        if (session == null || OWNER.isEmpty()) {
            return false;
        }
        Session info = agent.client().getSessionInfo(session, QueryParams.DEFAULT, agent.token()).getValue();
        String name = info == null ? null : info.getName();
        int at = name == null ? -1 : name.lastIndexOf(" " + OWNER.get() + " pid ");
        if (at < 0) {
            return false;
        }
        String pid = name.substring(at + OWNER.get().length() + 6);
        if (!pid.matches("[0-9]{1,10}") || Files.exists(Path.of("/proc", pid))) {
            return false;
        }
        events.progress("the lock holder (" + heldBy + ") ran on this machine and its process " + pid
                + " is gone: freeing its lock now instead of waiting for its session to time out");
        destroyQuietly(session);
        return true;
    }

    /** This machine since its last boot: a pid is only meaningful within one boot of one machine. */
    private static final Optional<String> OWNER = bootId();

    private static Optional<String> bootId() {
        try {
            String id = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
            return id.matches("[0-9a-f-]{36}") ? Optional.of("boot " + id) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private String createSession(String service) {
        NewSession s = new NewSession();
        s.setName("bluegreen-" + service + OWNER.map(o -> " " + o + " pid " + ProcessHandle.current().pid()).orElse(""));
        s.setTtl(Durations.format(TTL));
        s.setLockDelay(0);
        s.setBehavior(Session.Behavior.RELEASE);
        try {
            return agent.client().sessionCreate(s, QueryParams.DEFAULT, agent.token()).getValue();
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
    }

    private void destroyQuietly(String session) {
        try {
            agent.client().sessionDestroy(session, QueryParams.DEFAULT, agent.token());
        } catch (RuntimeException ignored) {
            // the TTL frees it anyway
        }
    }

    /** Holds the lock and renews its session until closed. */
    private final class SessionLease implements Lease {
        private final String key;
        private final String session;
        private final ScheduledExecutorService renewer;

        SessionLease(String key, String session) {
            this.key = key;
            this.session = session;
            this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bluegreen-lock-renewer");
                t.setDaemon(true);
                return t;
            });
            long every = TTL.toMillis() / 3;
            renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            try {
                agent.client().renewSession(session, QueryParams.DEFAULT, agent.token());
            } catch (RuntimeException ignored) {
                // a missed renewal is retried on the next tick; the TTL leaves room for two
            }
        }

        @Override
        public void close() {
            renewer.shutdownNow();
            try {
                PutParams release = new PutParams();
                release.setReleaseSession(session);
                agent.client().setKVValue(key, "", agent.token(), release);
            } catch (RuntimeException ignored) {
                // destroying the session below releases it too
            }
            destroyQuietly(session);
        }
    }
}
