package io.bluegreen.core.engine.fake;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.fake.Faults.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Replicas in memory: each start gets the next port on 127.0.0.1; names are unique as Docker's are. */
public final class FakeCluster implements ReplicaCluster {
    private final Faults faults;
    private final boolean startsPartOfADeploy;
    private final Map<String, Replica> replicas = new TreeMap<>();
    private final Map<String, Map<String, String>> environments = new HashMap<>();
    private int nextPort = 20000;
    private int nextRuntimeId = 1;

    public FakeCluster(Faults faults, boolean startsPartOfADeploy) {
        this.faults = faults;
        this.startsPartOfADeploy = startsPartOfADeploy;
    }

    @Override
    public void ping() {
    }

    /** Every network exists here. */
    @Override
    public List<String> networkProblems(List<String> networks) {
        return List.of();
    }

    /** Keeps the port's contract: a failed start (its own, or a throw from {@code running}) removes what it started. */
    @Override
    public List<Replica> start(ReplicaPlan plan, EventSink events, Consumer<Replica> running) {
        List<Replica> started = new ArrayList<>();
        try {
            for (int k = 0; k < plan.count(); k++) {
                if (k == plan.count() - 1) {
                    faults.check(Step.START);
                }
                Replica r = add(plan, plan.indexes().get(k));
                started.add(r);
                running.accept(r);
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                started.forEach(r -> replicas.remove(r.id()));
            }
            throw e;
        }
        return started;
    }

    private synchronized Replica add(ReplicaPlan plan, int index) {
        String name = plan.replicaName(index);
        if (replicas.containsKey(name)) {
            throw new IllegalStateException("container name " + name + " is already in use"); // as Docker refuses it
        }
        Replica r = new Replica(name, "c" + nextRuntimeId++, plan.service(), plan.color(), plan.version(), plan.deployId(),
                plan.opId(), index, new Endpoint("127.0.0.1", nextPort++), plan.image(), true);
        replicas.put(name, r);
        environments.put(name, plan.env());
        return r;
    }

    @Override
    public synchronized List<Replica> list(String service) {
        return replicas.values().stream().filter(r -> r.service().equals(service)).toList();
    }

    /** Removing nothing touches no system, so it cannot fail either. */
    @Override
    public void remove(List<Replica> toRemove) {
        if (toRemove.isEmpty()) {
            return;
        }
        faults.check(Step.REMOVE);
        synchronized (this) {
            toRemove.forEach(r -> replicas.remove(r.id()));
        }
    }

    @Override
    public boolean startsPartOfADeploy() {
        return startsPartOfADeploy;
    }

    @Override
    public synchronized Map<String, String> userEnvironment(Replica replica) {
        return environments.getOrDefault(replica.id(), Map.of());
    }

    /** The container stopped by itself (crashed); it stays listed, as Docker keeps an exited container. */
    public synchronized void markExited(String id) {
        Replica r = replicas.get(id);
        if (r == null) {
            throw new IllegalArgumentException("no replica " + id);
        }
        replicas.put(id, new Replica(r.id(), r.runtimeId(), r.service(), r.color(), r.version(), r.deployId(), r.opId(),
                r.index(), r.endpoint(), r.image(), false));
    }
}
