package io.bluegreen.core;

import io.bluegreen.core.consul.AgentServices;
import io.bluegreen.core.consul.ConsulAgent;
import io.bluegreen.core.consul.ConsulServiceLock;
import io.bluegreen.core.consul.ConsulServiceRegistry;
import io.bluegreen.core.consul.ConsulStateStore;
import io.bluegreen.core.docker.DockerEngine;
import io.bluegreen.core.docker.DockerImageStore;
import io.bluegreen.core.docker.DockerReplicaCluster;
import io.bluegreen.core.docker.EnginesReplicaCluster;
import io.bluegreen.core.docker.Registrator;
import io.bluegreen.core.docker.SwarmReplicaCluster;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.proxy.Routers;
import io.bluegreen.core.spec.TargetSpec;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The front door: wires the real adapters (one Docker engine, a Consul agent, the spec's proxy) behind
 * the engine's ports. The CLI and the Jenkins plugin both start here.
 */
public final class BlueGreen implements Closeable {
    private final Connections connections;
    private final DockerEngine docker;
    private final Systems systems;
    private final Map<TargetSpec, Systems> byTarget = new ConcurrentHashMap<>();
    private final List<Closeable> targetEngines = new CopyOnWriteArrayList<>();

    private BlueGreen(Connections connections, DockerEngine docker, Systems systems) {
        this.connections = connections;
        this.docker = docker;
        this.systems = systems;
    }

    public static BlueGreen connect(Connections connections) {
        DockerEngine docker = new DockerEngine(connections);
        ConsulAgent consul = new ConsulAgent(connections);
        Systems systems = new Systems(new DockerReplicaCluster(docker), new DockerImageStore(docker),
                new ConsulServiceRegistry(consul), new ConsulStateStore(consul), new ConsulServiceLock(consul),
                Routers::forSpec, Routers::forState, new Redactor(connections.secrets()), Clock.systemUTC());
        return new BlueGreen(connections, docker, systems);
    }

    public Systems systems() {
        return systems;
    }

    /** The systems for a spec's target: the local engine's, its engines' or its swarm's (connected once per target). */
    public Systems systemsFor(TargetSpec target) {
        if (target == null || target.isLocal()) {
            return systems;
        }
        return byTarget.computeIfAbsent(target, t -> {
            ReplicaCluster cluster;
            if (t.type() == TargetSpec.Type.SWARM) {
                SwarmReplicaCluster swarm = new SwarmReplicaCluster(connections, t, docker);
                targetEngines.add(swarm);
                cluster = swarm;
            } else {
                EnginesReplicaCluster engines = new EnginesReplicaCluster(connections, t, docker);
                targetEngines.add(engines);
                cluster = engines;
            }
            return new Systems(cluster, systems.images(), systems.registry(), systems.store(),
                    systems.lock(), systems.routerForSpec(), systems.routerForState(), systems.redactor(), systems.clock());
        });
    }

    /**
     * A registrator following {@code dockerHosts} (DOCKER_HOST's engine when empty) for the services in {@code scope}
     * (all when empty); the caller closes it.
     */
    public Registrator registrator(List<String> dockerHosts, Set<String> scope, Consumer<String> log) {
        List<DockerEngine> engines = dockerHosts.isEmpty() ? List.of(docker)
                : dockerHosts.stream().map(h -> new DockerEngine(connections, h, null)).toList();
        ConsulAgent consul = new ConsulAgent(connections);
        return new Registrator(engines, new AgentServices(consul), systems.registry(), systems.store(), scope, log);
    }

    /** The systems for a service already deployed: its state names the target it was deployed to. */
    public Systems systemsForService(String service) {
        return systemsFor(systems.store().readState(service).value().runsOn());
    }

    @Override
    public void close() throws IOException {
        for (Closeable c : targetEngines) {
            c.close();
        }
        docker.close();
    }
}
