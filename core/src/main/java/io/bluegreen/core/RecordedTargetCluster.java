package io.bluegreen.core;

import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.ReplicaCluster;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One service's cluster as its state names it at each call: what a heal worker acts through, since it outlives the
 * deploys that may move the service (its first deploy to several engines comes after the worker started), and it
 * starts without asking Consul anything (its own loop waits out an outage).
 */
final class RecordedTargetCluster implements ReplicaCluster {
    private final Supplier<ReplicaCluster> current;

    RecordedTargetCluster(Supplier<ReplicaCluster> current) {
        this.current = current;
    }

    @Override
    public void ping() {
        current.get().ping();
    }

    @Override
    public List<Replica> start(ReplicaPlan plan, EventSink events, Consumer<Replica> running) {
        return current.get().start(plan, events, running);
    }

    @Override
    public List<String> networkProblems(List<String> networks) {
        return current.get().networkProblems(networks);
    }

    @Override
    public List<Replica> list(String service) {
        return current.get().list(service);
    }

    @Override
    public void remove(List<Replica> replicas) {
        current.get().remove(replicas);
    }

    @Override
    public boolean startsPartOfADeploy() {
        return current.get().startsPartOfADeploy();
    }

    @Override
    public Optional<URI> nodeAgent(Replica replica) {
        return current.get().nodeAgent(replica);
    }

    @Override
    public Map<String, String> userEnvironment(Replica replica) {
        return current.get().userEnvironment(replica);
    }
}
