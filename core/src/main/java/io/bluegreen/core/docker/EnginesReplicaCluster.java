package io.bluegreen.core.docker;

import io.bluegreen.core.cluster.CapacityException;
import io.bluegreen.core.cluster.EngineLoad;
import io.bluegreen.core.cluster.Placement;
import io.bluegreen.core.cluster.Strategy;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.ClusterException;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.TargetSpec;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A color's replicas spread over several Docker engines by the target's strategy and constraints. Engines that
 * do not answer are skipped and reported; before anything starts, placement checks that the engines that answer
 * can hold the new color beside everything already running (memory reservations, a fixed host port). Each engine
 * publishes on its own address, which is what Consul and the proxy are given. A replica's runtime ID is
 * {@code <engine name>/<container ID>}, so removal, heal and status reach the right engine.
 */
public final class EnginesReplicaCluster implements ReplicaCluster, Closeable {
    private final TargetSpec target;
    private final DockerEngine deploying;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Random random = new Random();

    private record Member(TargetSpec.Engine spec, DockerEngine engine, DockerReplicaCluster cluster) {
    }

    /** {@code deploying}: the engine that built or pulled the image, where the other engines get it from. */
    public EnginesReplicaCluster(Connections connections, TargetSpec target, DockerEngine deploying) {
        this.target = target;
        this.deploying = deploying;
        for (TargetSpec.Engine e : target.engines()) {
            DockerEngine engine = new DockerEngine(connections, e.host(), e.certPath());
            members.put(e.name(), new Member(e, engine, new DockerReplicaCluster(engine,
                    new ReplicaShape(e.address(), target.memory(), target.hostPort()))));
        }
    }

    /** Passes while at least one engine answers: the others are skipped (and named) when replicas are placed. */
    @Override
    public void ping() {
        Map<String, String> down = down();
        if (down.size() == members.size()) {
            throw new SystemUnreachableException("Docker", "no engine of the target answers: " + describe(down), null);
        }
    }

    /** Engine name → why it is down, for every engine that does not answer now. */
    private Map<String, String> down() {
        Map<String, String> out = Collections.synchronizedMap(new TreeMap<>());
        Concurrently.each(members.values(), m -> {
            try {
                m.engine().ping();
            } catch (RuntimeException e) {
                out.put(m.spec().name(), m.spec().host() + ": " + DockerEngine.rootMessage(e));
            }
        });
        return out;
    }

    private static String describe(Map<String, String> down) {
        return down.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining("; "));
    }

    private List<Member> up(EventSink events) {
        Map<String, String> down = down();
        if (!down.isEmpty()) {
            events.progress("engine(s) down, skipped: " + describe(down));
        }
        if (down.size() == members.size()) {
            throw new ClusterException("no engine of the target answers: " + describe(down));
        }
        return members.values().stream().filter(m -> !down.containsKey(m.spec().name())).toList();
    }

    /** Each engine that answers must let replicas join the networks: any of them may be given some. */
    @Override
    public List<String> networkProblems(List<String> networks) {
        if (networks.isEmpty()) {
            return List.of();
        }
        Map<String, String> down = down();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Concurrently.each(members.values().stream().filter(m -> !down.containsKey(m.spec().name())).toList(), m ->
                m.cluster().networkProblems(networks).forEach(p -> problems.add("engine " + m.spec().name() + ": " + p)));
        List<String> sorted = new ArrayList<>(problems);
        Collections.sort(sorted);
        return sorted;
    }

    @Override
    public List<Replica> start(ReplicaPlan plan, EventSink events, Consumer<Replica> running) {
        List<Member> up = up(events);
        List<EngineLoad> loads = Collections.synchronizedList(new ArrayList<>());
        boolean weighMemory = target.memory() > 0 || target.strategy() == Strategy.BINPACK;
        Concurrently.each(up, m -> loads.add(EngineLoads.read(m.spec().name(), m.engine(), m.spec().labels(), plan.service(),
                weighMemory)));
        loads.sort((a, b) -> up.indexOf(members.get(a.name())) - up.indexOf(members.get(b.name())));
        List<String> placed;
        try {
            placed = Placement.place(loads, target.demand(plan.count()), target.strategy(), random);
        } catch (CapacityException e) {
            throw new ClusterException("capacity check: " + e.getMessage() + "; nothing was started");
        }
        Map<String, List<Integer>> byEngine = new TreeMap<>();
        for (int i = 0; i < placed.size(); i++) {
            byEngine.computeIfAbsent(placed.get(i), k -> new ArrayList<>()).add(plan.indexes().get(i));
        }
        events.progress(target.strategy().label() + " placement: " + byEngine.entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue().size()).collect(Collectors.joining(", ")));
        Concurrently.each(byEngine.keySet(), name ->
                ImageCopier.ensure(deploying, members.get(name).engine(), name, plan.image(), events));
        List<Replica> started = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Concurrently.each(byEngine.entrySet(), e -> {
            try {
                ReplicaPlan part = plan.only(e.getValue());
                started.addAll(members.get(e.getKey()).cluster().start(part, events,
                        r -> running.accept(onEngine(r, e.getKey()))).stream().map(r -> onEngine(r, e.getKey())).toList());
            } catch (RuntimeException ex) {
                failures.add(e.getKey() + ": " + ex.getMessage());
            }
        });
        if (!failures.isEmpty()) {
            remove(new ArrayList<>(started));
            throw new ClusterException("starting replicas failed on engine " + String.join("; ", failures));
        }
        List<Replica> out = new ArrayList<>(started);
        out.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return out;
    }

    /** Replicas on engines that answer; a down engine's replicas are out of reach until it is back. */
    @Override
    public List<Replica> list(String service) {
        List<Replica> out = Collections.synchronizedList(new ArrayList<>());
        Concurrently.each(members.values(), m -> {
            try {
                out.addAll(m.cluster().list(service).stream().map(r -> onEngine(r, m.spec().name())).toList());
            } catch (RuntimeException unreachable) {
                // down: status shows its replicas as missing
            }
        });
        List<Replica> sorted = new ArrayList<>(out);
        sorted.sort((a, b) -> a.id().compareTo(b.id()));
        return sorted;
    }

    @Override
    public void remove(List<Replica> replicas) {
        Map<String, List<Replica>> byEngine = replicas.stream().collect(Collectors.groupingBy(r -> engineOf(r).spec().name()));
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Concurrently.each(byEngine.entrySet(), e -> {
            try {
                members.get(e.getKey()).cluster().remove(e.getValue().stream().map(EnginesReplicaCluster::local).toList());
            } catch (RuntimeException ex) {
                failures.add(e.getKey() + ": " + ex.getMessage());
            }
        });
        if (!failures.isEmpty()) {
            throw new ClusterException("removing replicas failed on engine " + String.join("; ", failures));
        }
    }

    /** The engine's {@code consul} agent, when the target names one. */
    @Override
    public Optional<URI> nodeAgent(Replica replica) {
        return Optional.ofNullable(engineOf(replica).spec().consul()).map(URI::create);
    }

    @Override
    public Map<String, String> userEnvironment(Replica replica) {
        return engineOf(replica).cluster().userEnvironment(local(replica));
    }

    private Member engineOf(Replica r) {
        int slash = r.runtimeId().indexOf('/');
        Member m = slash < 0 ? null : members.get(r.runtimeId().substring(0, slash));
        if (m == null) {
            throw new ClusterException("replica " + r.id() + " (" + r.runtimeId() + ") is on no engine of this target");
        }
        return m;
    }

    private static Replica onEngine(Replica r, String engine) {
        return r.withRuntimeId(engine + "/" + r.runtimeId());
    }

    private static Replica local(Replica r) {
        return r.withRuntimeId(r.runtimeId().substring(r.runtimeId().indexOf('/') + 1));
    }

    @Override
    public void close() throws IOException {
        for (Member m : members.values()) {
            m.engine().close();
        }
    }
}
