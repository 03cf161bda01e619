package io.bluegreen.core.engine.fake;

import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.port.ServiceRegistry;
import io.bluegreen.core.engine.Versioned;
import io.bluegreen.core.engine.fake.Faults.Step;
import io.bluegreen.core.spec.HealthSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consul's catalog and checks in memory. A new registration passes at once (unless {@link Step#GATE} is armed), so a
 * gate of one pass completes on its first read. Every change moves one index, as Consul's blocking queries see it.
 */
public final class FakeRegistry implements ServiceRegistry {
    /** The longest a blocking read waits here: the gate polls the cluster and its cancellation between reads. */
    private static final long MAX_WAIT_MS = 50;
    private final Faults faults;
    private final Map<String, Registration> byId = new TreeMap<>();
    private long index = 1;
    private long checkIndex = 1;

    private record Registration(String service, Instance instance) {
    }

    public FakeRegistry(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void ping() {
    }

    @Override
    public synchronized void register(Replica r, String digest, HealthSpec health, Audience audience) {
        faults.check(Step.REGISTER);
        Instance.Health h = faults.hit(Step.GATE) ? Instance.Health.CRITICAL : Instance.Health.PASSING;
        byId.put(r.id(), new Registration(r.service(), new Instance(r.id(), r.color(), r.version(), r.deployId(), r.opId(),
                r.endpoint(), h, "", checkIndex++)));
        changed();
    }

    /** Idempotent, as Consul's deregister of an unknown ID is. */
    @Override
    public synchronized void deregister(String service, String replicaId) {
        if (byId.remove(replicaId) != null) {
            changed();
        }
    }

    @Override
    public synchronized List<Instance> instances(String service) {
        return byId.values().stream().filter(g -> g.service().equals(service)).map(Registration::instance).toList();
    }

    /** Consul's check changed its verdict: a new check index, so a gate sees a new streak. */
    public synchronized void setHealth(String id, Instance.Health health) {
        Registration g = byId.get(id);
        if (g == null) {
            throw new IllegalArgumentException("not registered: " + id);
        }
        Instance i = g.instance();
        byId.put(id, new Registration(g.service(), new Instance(i.id(), i.color(), i.version(), i.deployId(), i.opId(),
                i.endpoint(), health, health == Instance.Health.PASSING ? "" : "HTTP GET: connection refused", checkIndex++)));
        changed();
    }

    /** Returns at once when the index moved since {@code lastIndex}, else after a short bounded wait. */
    @Override
    public Versioned<List<Instance>> awaitChange(String service, long lastIndex, Duration maxWait) {
        faults.hit(Step.AWAIT); // outside the monitor: a hook may change the registry
        synchronized (this) {
            long end = System.nanoTime() + Math.min(maxWait.toMillis(), MAX_WAIT_MS) * 1_000_000L;
            long left;
            while (index == lastIndex && (left = end - System.nanoTime()) > 0) {
                try {
                    wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return new Versioned<>(instances(service), index);
        }
    }

    private void changed() {
        index++;
        notifyAll();
    }
}
