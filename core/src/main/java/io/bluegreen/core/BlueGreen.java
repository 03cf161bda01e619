package io.bluegreen.core;

import io.bluegreen.core.consul.ConsulAgent;
import io.bluegreen.core.consul.ConsulServiceLock;
import io.bluegreen.core.consul.ConsulServiceRegistry;
import io.bluegreen.core.consul.ConsulStateStore;
import io.bluegreen.core.docker.DockerEngine;
import io.bluegreen.core.docker.DockerImageStore;
import io.bluegreen.core.docker.DockerReplicaCluster;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.proxy.Routers;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;

/**
 * The front door: wires the real adapters (one Docker engine, a Consul agent, the spec's proxy) behind
 * the engine's ports. The CLI and the Jenkins plugin both start here.
 */
public final class BlueGreen implements Closeable {
    private final DockerEngine docker;
    private final Systems systems;

    private BlueGreen(DockerEngine docker, Systems systems) {
        this.docker = docker;
        this.systems = systems;
    }

    public static BlueGreen connect(Connections connections) {
        DockerEngine docker = new DockerEngine(connections);
        ConsulAgent consul = new ConsulAgent(connections);
        Systems systems = new Systems(new DockerReplicaCluster(docker), new DockerImageStore(docker),
                new ConsulServiceRegistry(consul), new ConsulStateStore(consul), new ConsulServiceLock(consul),
                Routers::forSpec, Routers::forState, new Redactor(connections.secrets()), Clock.systemUTC());
        return new BlueGreen(docker, systems);
    }

    public Systems systems() {
        return systems;
    }

    @Override
    public void close() throws IOException {
        docker.close();
    }
}
