package io.bluegreen.core.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Statistics;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.ClusterException;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.ReplicaUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Replicas as labelled containers on one Docker engine, ports published on the spec's host address. */
public final class DockerReplicaCluster implements ReplicaCluster {
    private static final int MAX_PARALLEL = 16;

    private final DockerEngine engine;
    private final ReplicaShape shape;

    public DockerReplicaCluster(DockerEngine engine) {
        this(engine, ReplicaShape.DEFAULT);
    }

    public DockerReplicaCluster(DockerEngine engine, ReplicaShape shape) {
        this.engine = engine;
        this.shape = shape;
    }

    @Override
    public void ping() {
        engine.ping();
    }

    /**
     * A container joins a local (bridge) network of its engine, or a Swarm overlay network created attachable; a
     * network that is neither is named with how to make it.
     */
    @Override
    public List<String> networkProblems(List<String> networks) {
        return engine.networkProblems(networks, (name, n) -> n == null
                ? "'" + name + "' does not exist on the engine at " + engine.host() + " (docker network create " + name + ")"
                : "swarm".equals(n.getScope()) && !Boolean.TRUE.equals(n.isAttachable())
                ? "'" + name + "' on the engine at " + engine.host() + " is a Swarm network that containers cannot join"
                        + " (create it with --attachable)"
                : null);
    }

    @Override
    public List<Replica> start(ReplicaPlan plan, EventSink events, Consumer<Replica> running) {
        List<Integer> indexes = plan.indexes();
        List<Replica> started = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger up = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(indexes.size(), MAX_PARALLEL)));
        try {
            List<Future<Replica>> futures = new ArrayList<>();
            for (int index : indexes) {
                futures.add(pool.submit(() -> {
                    Replica r = startOne(plan, index);
                    started.add(r);
                    running.accept(r);
                    events.progress(up.incrementAndGet() + "/" + indexes.size() + " started: " + r.id() + " at " + r.endpoint());
                    return r;
                }));
            }
            List<Replica> out = new ArrayList<>();
            ClusterException failure = null;
            for (Future<Replica> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : new ClusterException("starting a replica of " + plan.image()
                            + " failed: " + DockerEngine.rootMessage(e.getCause()), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new ClusterException("interrupted while starting replicas", e);
                }
            }
            if (failure != null) {
                remove(new ArrayList<>(started));
                removeByOperation(plan);
                throw failure;
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private Replica startOne(ReplicaPlan plan, int index) {
        String name = plan.replicaName(index);
        String hostAddress = shape.publishAddress() == null ? plan.hostAddress() : shape.publishAddress();
        ExposedPort port = ExposedPort.tcp(plan.containerPort());
        Ports bindings = new Ports();
        bindings.bind(port, shape.hostPort() == null ? Ports.Binding.bindIp(hostAddress)
                : Ports.Binding.bindIpAndPort(hostAddress, shape.hostPort()));
        HostConfig host = HostConfig.newHostConfig().withPortBindings(bindings);
        if (shape.memoryReservation() > 0) {
            host.withMemoryReservation(shape.memoryReservation());
        }
        List<String> networks = plan.networks();
        if (!networks.isEmpty()) {
            host.withNetworkMode(networks.get(0)); // instead of the default bridge; the engine's API takes one at create
        }
        CreateContainerCmd create = engine.client().createContainerCmd(plan.image())
                .withName(name)
                .withLabels(ReplicaLabels.of(plan, index))
                .withEnv(ReplicaLabels.environment(plan, Integer.toString(index)))
                .withExposedPorts(port)
                .withHostConfig(host);
        plan.stop().signal().ifPresent(create::withStopSignal);
        plan.stop().timeout().ifPresent(t -> create.withStopTimeout((int) t.toSeconds()));
        CreateContainerResponse created = create.exec();
        for (String network : networks.subList(Math.min(1, networks.size()), networks.size())) {
            engine.client().connectToNetworkCmd().withNetworkId(network).withContainerId(created.getId()).exec();
        }
        engine.client().startContainerCmd(created.getId()).exec();
        InspectContainerResponse info = engine.client().inspectContainerCmd(created.getId()).exec();
        Ports.Binding[] bound = info.getNetworkSettings().getPorts().getBindings().get(port);
        if (bound == null || bound.length == 0) {
            throw new ClusterException("container " + name + " started without a published port " + plan.containerPort());
        }
        int hostPort = Integer.parseInt(bound[0].getHostPortSpec());
        return new Replica(name, created.getId(), plan.service(), plan.color(), plan.version(), plan.deployId(),
                plan.opId(), index, new Endpoint(reachable(hostAddress), hostPort), plan.image(), true);
    }

    /**
     * One sample of Docker's stats API (no stream: the engine samples twice, a second apart, so CPU is the rate over
     * that second); empty when the container is gone or the engine took over 5 s.
     */
    @Override
    public Optional<ReplicaUsage> usage(Replica replica) {
        AtomicReference<Statistics> sample = new AtomicReference<>();
        try (ResultCallback.Adapter<Statistics> cb = engine.client().statsCmd(replica.runtimeId()).withNoStream(true)
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Statistics s) {
                        sample.compareAndSet(null, s);
                    }
                })) {
            cb.awaitCompletion(5, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        Statistics s = sample.get();
        if (s == null || s.getMemoryStats() == null || s.getMemoryStats().getUsage() == null) {
            return Optional.empty();
        }
        return Optional.of(new ReplicaUsage(s.getMemoryStats().getUsage(), s.getMemoryStats().getLimit(), cores(s)));
    }

    /** CPU used between the engine's two samples, in cores: the container's share of the host's CPU time. */
    private static double cores(Statistics s) {
        CpuStatsConfig now = s.getCpuStats();
        CpuStatsConfig before = s.getPreCpuStats();
        if (now == null || before == null || now.getCpuUsage() == null || before.getCpuUsage() == null
                || now.getSystemCpuUsage() == null || before.getSystemCpuUsage() == null) {
            return 0;
        }
        long cpu = now.getCpuUsage().getTotalUsage() - before.getCpuUsage().getTotalUsage();
        long system = now.getSystemCpuUsage() - before.getSystemCpuUsage();
        long cpus = now.getOnlineCpus() == null ? 1 : now.getOnlineCpus();
        return system <= 0 || cpu < 0 ? 0 : (double) cpu / system * cpus;
    }

    @Override
    public Map<String, String> userEnvironment(Replica replica) {
        InspectContainerResponse info = engine.client().inspectContainerCmd(replica.runtimeId()).exec();
        return userEnvironment(info.getConfig().getEnv() == null ? List.of() : List.of(info.getConfig().getEnv()));
    }

    /** {@code KEY=VALUE} entries less what this tool sets itself ({@code BLUEGREEN_*}) and the image's PATH. */
    static Map<String, String> userEnvironment(List<String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> imageDefaults = Set.of("PATH");
        for (String kv : env == null ? List.<String>of() : env) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            if (!k.startsWith(ReplicaLabels.ENV_PREFIX) && !imageDefaults.contains(k)) {
                out.put(k, eq < 0 ? "" : kv.substring(eq + 1));
            }
        }
        return out;
    }

    /** A replica created but not yet reported (its start failed half-way) is found by the operation that made it. */
    private void removeByOperation(ReplicaPlan plan) {
        for (Replica r : list(plan.service())) {
            if (r.opId().equals(plan.opId())) {
                remove(List.of(r));
            }
        }
    }

    /** Published on every address means reachable on loopback, which is where we talk to it. */
    static String reachable(String hostAddress) {
        return hostAddress.equals("0.0.0.0") ? "127.0.0.1" : hostAddress;
    }

    @Override
    public List<Replica> list(String service) {
        List<Container> containers = engine.client().listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(ReplicaLabels.SERVICE, service))
                .exec();
        List<Replica> out = new ArrayList<>();
        for (Container c : containers) {
            Map<String, String> l = c.getLabels();
            Endpoint endpoint = null;
            if (c.getPorts() != null) {
                for (ContainerPort p : c.getPorts()) {
                    if (p.getPublicPort() != null && (p.getIp() == null || !p.getIp().contains(":"))) {
                        endpoint = new Endpoint(reachable(p.getIp() == null ? "127.0.0.1" : p.getIp()), p.getPublicPort());
                        break;
                    }
                }
            }
            String name = c.getNames() != null && c.getNames().length > 0 ? c.getNames()[0].replaceFirst("^/", "") : c.getId();
            out.add(new Replica(name, c.getId(), service, Color.of(l.get(ReplicaLabels.COLOR)), l.get(ReplicaLabels.VERSION),
                    l.get(ReplicaLabels.DEPLOY_ID), ReplicaLabels.opId(l), Integer.parseInt(l.getOrDefault(ReplicaLabels.REPLICA, "0")),
                    endpoint, c.getImage(),
                    "running".equals(c.getState())));
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    @Override
    public void remove(List<Replica> replicas) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Concurrently.each(replicas, r -> {
            try {
                removeOne(r);
            } catch (RuntimeException e) {
                failures.add(r.id() + ": " + DockerEngine.rootMessage(e));
            }
        });
        if (!failures.isEmpty()) {
            throw new ClusterException("could not remove containers: " + String.join("; ", failures));
        }
    }

    private void removeOne(Replica r) {
        InspectContainerResponse info;
        try {
            info = engine.client().inspectContainerCmd(r.runtimeId()).exec();
        } catch (NotFoundException gone) {
            return;
        }
        Map<String, String> labels = info.getConfig().getLabels();
        if (labels == null || !r.service().equals(labels.get(ReplicaLabels.SERVICE))) {
            throw new ClusterException("refusing to remove container " + r.runtimeId() + ": it does not carry "
                    + ReplicaLabels.SERVICE + "=" + r.service());
        }
        try {
            engine.client().stopContainerCmd(r.runtimeId()).withTimeout(ReplicaLabels.stopTimeoutSeconds(labels)).exec();
        } catch (NotModifiedException | NotFoundException alreadyStopped) {
            // nothing to stop
        }
        try {
            engine.client().removeContainerCmd(r.runtimeId()).withForce(true).exec();
        } catch (NotFoundException gone) {
            // removed meanwhile
        }
    }
}
