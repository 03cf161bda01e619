package io.bluegreen.core.docker;

import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.EventSink;
import io.bluegreen.core.engine.PhaseFailure;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ReplicaCluster;
import io.bluegreen.core.engine.ReplicaPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Replicas as labelled containers on one Docker engine, ports published on the spec's host address. */
public final class DockerReplicaCluster implements ReplicaCluster {
    public static final String LABEL_SERVICE = "bluegreen.service";
    public static final String LABEL_COLOR = "bluegreen.color";
    public static final String LABEL_VERSION = "bluegreen.version";
    public static final String LABEL_DEPLOY_ID = "bluegreen.deploy-id";
    public static final String LABEL_REPLICA = "bluegreen.replica";
    private static final int MAX_PARALLEL = 16;
    private static final int STOP_TIMEOUT_SECONDS = 10;

    private final DockerEngine engine;

    public DockerReplicaCluster(DockerEngine engine) {
        this.engine = engine;
    }

    @Override
    public void ping() {
        engine.ping();
    }

    @Override
    public List<Replica> start(ReplicaPlan plan, EventSink events) {
        List<Replica> started = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger up = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(plan.count(), MAX_PARALLEL));
        try {
            List<Future<Replica>> futures = new ArrayList<>();
            for (int i = 1; i <= plan.count(); i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    Replica r = startOne(plan, index);
                    started.add(r);
                    events.progress(up.incrementAndGet() + "/" + plan.count() + " started: " + r.id() + " at " + r.endpoint());
                    return r;
                }));
            }
            List<Replica> out = new ArrayList<>();
            PhaseFailure failure = null;
            for (Future<Replica> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : new PhaseFailure("starting a replica of " + plan.image()
                            + " failed: " + DockerEngine.rootMessage(e.getCause()), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new PhaseFailure("interrupted while starting replicas", e);
                }
            }
            if (failure != null) {
                remove(new ArrayList<>(started));
                removeByName(plan);
                throw failure;
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private Replica startOne(ReplicaPlan plan, int index) {
        String name = plan.replicaName(index);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_SERVICE, plan.service());
        labels.put(LABEL_COLOR, plan.color().label());
        labels.put(LABEL_VERSION, plan.version());
        labels.put(LABEL_DEPLOY_ID, plan.deployId());
        labels.put(LABEL_REPLICA, Integer.toString(index));
        List<String> env = new ArrayList<>();
        plan.env().forEach((k, v) -> env.add(k + "=" + v));
        env.add("BLUEGREEN_SERVICE=" + plan.service());
        env.add("BLUEGREEN_COLOR=" + plan.color().label());
        env.add("BLUEGREEN_VERSION=" + plan.version());
        env.add("BLUEGREEN_DEPLOY_ID=" + plan.deployId());
        env.add("BLUEGREEN_REPLICA=" + index);
        ExposedPort port = ExposedPort.tcp(plan.containerPort());
        Ports bindings = new Ports();
        bindings.bind(port, Ports.Binding.bindIp(plan.hostAddress()));
        CreateContainerResponse created = engine.client().createContainerCmd(plan.image())
                .withName(name)
                .withLabels(labels)
                .withEnv(env)
                .withExposedPorts(port)
                .withHostConfig(HostConfig.newHostConfig().withPortBindings(bindings))
                .exec();
        engine.client().startContainerCmd(created.getId()).exec();
        InspectContainerResponse info = engine.client().inspectContainerCmd(created.getId()).exec();
        Ports.Binding[] bound = info.getNetworkSettings().getPorts().getBindings().get(port);
        if (bound == null || bound.length == 0) {
            throw new PhaseFailure("container " + name + " started without a published port " + plan.containerPort());
        }
        int hostPort = Integer.parseInt(bound[0].getHostPortSpec());
        return new Replica(name, created.getId(), plan.service(), plan.color(), plan.version(), plan.deployId(), index,
                new Endpoint(reachable(plan.hostAddress()), hostPort), plan.image(), true);
    }

    /** A replica created but not yet reported (its start failed half-way) is found by its name. */
    private void removeByName(ReplicaPlan plan) {
        for (Replica r : list(plan.service())) {
            if (r.deployId().equals(plan.deployId())) {
                remove(List.of(r));
            }
        }
    }

    /** Published on every address means reachable on loopback, which is where we talk to it. */
    private static String reachable(String hostAddress) {
        return hostAddress.equals("0.0.0.0") ? "127.0.0.1" : hostAddress;
    }

    @Override
    public List<Replica> list(String service) {
        List<Container> containers = engine.client().listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(LABEL_SERVICE, service))
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
            out.add(new Replica(name, c.getId(), service, Color.of(l.get(LABEL_COLOR)), l.get(LABEL_VERSION),
                    l.get(LABEL_DEPLOY_ID), Integer.parseInt(l.getOrDefault(LABEL_REPLICA, "0")), endpoint, c.getImage(),
                    "running".equals(c.getState())));
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    @Override
    public void remove(List<Replica> replicas) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        replicas.parallelStream().forEach(r -> {
            try {
                removeOne(r);
            } catch (RuntimeException e) {
                failures.add(r.id() + ": " + DockerEngine.rootMessage(e));
            }
        });
        if (!failures.isEmpty()) {
            throw new PhaseFailure("could not remove containers: " + String.join("; ", failures));
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
        if (labels == null || !r.service().equals(labels.get(LABEL_SERVICE))) {
            throw new PhaseFailure("refusing to remove container " + r.runtimeId() + ": it does not carry "
                    + LABEL_SERVICE + "=" + r.service());
        }
        try {
            engine.client().stopContainerCmd(r.runtimeId()).withTimeout(STOP_TIMEOUT_SECONDS).exec();
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
