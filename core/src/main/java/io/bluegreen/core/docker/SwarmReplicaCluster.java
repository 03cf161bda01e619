package io.bluegreen.core.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.CreateServiceCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import io.bluegreen.core.cluster.CapacityException;
import io.bluegreen.core.cluster.Placement;
import io.bluegreen.core.cluster.Strategy;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.ClusterException;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.TargetSpec;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A color as Swarm mode services, created through a manager. Each deploy of a color is its own service
 * {@code S-<color>-<deploy id>} (labelled like the containers of the other targets), so a new version starts
 * beside the old standby of the same color, which stays until the new one passed the gate. Ports are published
 * in host mode without a fixed port (the ingress mesh needs IPVS): each task gets its own host port on the node it
 * landed on; the task list says which (the task's port status, read as JSON: docker-java's model lacks it) and the
 * node list gives the node's address. Swarm's restart policy is off: a restarted task would get a new host port that
 * Consul and the proxy do not know, so a dead task stays dead, its check turns critical and a heal renews the color
 * (a new service of the same version, gated, then routed).
 * A replica's runtime ID is its task ID.
 */
public final class SwarmReplicaCluster implements ReplicaCluster, Closeable {
    private static final long START_WAIT_MILLIS = 60_000;
    private static final Set<String> FAILED = Set.of("failed", "rejected", "shutdown", "complete", "orphaned", "remove");

    private final TargetSpec target;
    private final DockerEngine manager;
    private final DockerEngine deploying;
    private final Map<String, String> nodeAddresses = new ConcurrentHashMap<>();

    /** {@code deploying}: the engine that built or pulled the image; the manager gets it from there. */
    public SwarmReplicaCluster(Connections connections, TargetSpec target, DockerEngine deploying) {
        this.target = target;
        this.deploying = deploying;
        this.manager = new DockerEngine(connections, target.swarm().host(), target.swarm().certPath());
    }

    @Override
    public void ping() {
        manager.ping();
        Info info = manager.client().infoCmd().exec();
        if (info.getSwarm() == null || !Boolean.TRUE.equals(info.getSwarm().getControlAvailable())) {
            throw new SystemUnreachableException("Docker", manager.host() + " is not a Swarm manager (docker swarm init)", null);
        }
    }

    /** The Swarm service holding one deploy of a color. */
    private static String serviceName(String service, Color color, String deployId) {
        return service + "-" + color.label() + "-" + deployId;
    }

    /** A network the swarm lacks is no problem (start creates it); a local one of the manager's engine is. */
    @Override
    public List<String> networkProblems(List<String> networks) {
        return manager.networkProblems(networks, (name, n) -> n != null && !"swarm".equals(n.getScope())
                ? "'" + name + "' on the Swarm manager " + manager.host() + " is a " + n.getScope() + " " + n.getDriver()
                        + " network: Swarm services join only swarm-scoped (overlay) networks"
                : null);
    }

    /**
     * Creates the overlay networks the plan names that the swarm lacks, attachable (so a backing service started with
     * {@code docker run} can join them too). The tool never removes a network: both colors and other services share it.
     */
    private void ensureNetworks(List<String> networks, EventSink events) {
        if (networks.isEmpty()) {
            return;
        }
        Set<String> present = manager.networks().keySet();
        for (String name : networks) {
            if (present.contains(name)) {
                continue;
            }
            try {
                manager.client().createNetworkCmd().withName(name).withDriver("overlay").withAttachable(true)
                        .withCheckDuplicate(true).exec();
                events.progress("created the attachable overlay network " + name);
            } catch (ConflictException madeMeanwhile) {
                // another deploy created it since the list was read
            } catch (RuntimeException e) {
                throw new ClusterException("creating the overlay network " + name + " failed: " + DockerEngine.rootMessage(e)
                        + "; no service was created", e);
            }
        }
    }

    @Override
    public List<Replica> start(ReplicaPlan plan, EventSink events, Consumer<Replica> running) {
        String name = serviceName(plan.service(), plan.color(), plan.deployId());
        checkCapacity(plan, events);
        ensureNetworks(plan.networks(), events);
        ImageCopier.ensure(deploying, manager, "swarm manager", plan.image(), events);
        Map<String, String> labels = ReplicaLabels.of(plan, null);
        List<String> env = ReplicaLabels.environment(plan, "{{.Task.Slot}}");
        PortConfig port = new PortConfig().withProtocol(PortConfigProtocol.TCP).withTargetPort(plan.containerPort())
                .withPublishMode(PortConfig.PublishMode.host);
        if (target.hostPort() != null) {
            port.withPublishedPort(target.hostPort());
        }
        ContainerSpec container = new ContainerSpec().withImage(plan.image()).withEnv(env);
        plan.stop().signal().ifPresent(container::withStopSignal);
        plan.stop().timeout().ifPresent(t -> container.withStopGracePeriod(t.toNanos()));
        TaskSpec task = new TaskSpec()
                .withContainerSpec(container)
                .withRestartPolicy(new ServiceRestartPolicy().withCondition(ServiceRestartCondition.NONE))
                .withPlacement(new ServicePlacement().withConstraints(target.constraints()))
                .withNetworks(plan.networks().stream().map(n -> new NetworkAttachmentConfig().withTarget(n)).toList());
        if (target.memory() > 0) {
            task.withResources(new ResourceRequirements().withReservations(new ResourceSpecs().withMemoryBytes(target.memory())));
        }
        ServiceSpec spec = new ServiceSpec().withName(name).withLabels(labels).withTaskTemplate(task)
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(plan.count())))
                .withEndpointSpec(new EndpointSpec().withPorts(List.of(port)));
        CreateServiceCmd create = manager.client().createServiceCmd(spec);
        AuthConfig auth = manager.authFor(plan.image());
        if (auth != null) {
            create.withAuthConfig(auth);
        }
        try {
            create.exec();
        } catch (RuntimeException e) {
            throw new ClusterException("creating Swarm service " + name + " failed: " + DockerEngine.rootMessage(e), e);
        }
        events.progress("Swarm service " + name + " created: " + plan.count() + " task(s)");
        try {
            return awaitRunning(plan, name, events, running);
        } catch (RuntimeException e) {
            removeService(name, plan.service());
            throw e instanceof ClusterException p ? p : new ClusterException("starting Swarm service " + name + " failed: "
                    + DockerEngine.rootMessage(e), e);
        }
    }

    /**
     * Refuses before any service is created when the swarm's ready, active nodes that meet the constraints cannot
     * hold the new color beside every task already running (memory reservations, a fixed host port: one per node).
     */
    private void checkCapacity(ReplicaPlan plan, EventSink events) {
        String running = URLEncoder.encode("{\"desired-state\":{\"running\":true}}", StandardCharsets.UTF_8);
        SwarmLoads.Nodes nodes = SwarmLoads.of(manager.getJson("/nodes"), manager.getJson("/tasks?filters=" + running));
        if (!nodes.skipped().isEmpty()) {
            events.progress("node(s) that take no tasks, skipped: " + new TreeMap<>(nodes.skipped()));
        }
        try {
            Placement.place(nodes.loads(), target.demand(plan.count()), Strategy.SPREAD, new Random());
        } catch (CapacityException e) {
            throw new ClusterException("capacity check: " + e.getMessage() + "; no service was created");
        }
    }

    /** Waits until every task runs with a published port; a failed or unplaceable task fails the start at once. */
    private List<Replica> awaitRunning(ReplicaPlan plan, String name, EventSink events, Consumer<Replica> running) {
        long deadline = System.currentTimeMillis() + START_WAIT_MILLIS;
        Set<String> announced = new HashSet<>();
        while (true) {
            Service service = manager.client().inspectServiceCmd(name).exec();
            List<Replica> up = new ArrayList<>();
            for (JsonNode t : latestTasks(List.of(service)).values()) {
                String state = t.path("Status").path("State").asText();
                String err = t.path("Status").path("Err").asText("");
                if (FAILED.contains(state)) {
                    throw new ClusterException("Swarm task " + name + "." + t.path("Slot").asInt() + " " + state
                            + (err.isEmpty() ? "" : ": " + err) + "; the service was removed");
                }
                if (state.equals("pending") && !err.isEmpty()) {
                    throw new ClusterException("capacity check: Swarm cannot place " + name + "." + t.path("Slot").asInt()
                            + ": " + err + "; the service was removed");
                }
                Replica r = replica(service, t);
                if (r.running() && r.endpoint() != null) {
                    up.add(r);
                    if (announced.add(r.runtimeId())) {
                        events.progress("started: " + r.id() + " at " + r.endpoint());
                        running.accept(r);
                    }
                }
            }
            if (up.size() == plan.count()) {
                up.sort((a, b) -> Integer.compare(a.index(), b.index()));
                return up;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new ClusterException("Swarm service " + name + " had " + up.size() + "/" + plan.count()
                        + " task(s) running after " + START_WAIT_MILLIS / 1000 + " s; the service was removed");
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while waiting for Swarm tasks", e);
        }
    }

    /** The newest task of each slot of these services (older ones are the history Swarm keeps). */
    private Map<String, JsonNode> latestTasks(List<Service> services) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        if (services.isEmpty()) {
            return latest;
        }
        StringBuilder filter = new StringBuilder("{\"service\":{");
        for (int i = 0; i < services.size(); i++) {
            filter.append(i == 0 ? "" : ",").append('"').append(services.get(i).getId()).append("\":true");
        }
        filter.append("}}");
        JsonNode tasks = manager.getJson("/tasks?filters=" + URLEncoder.encode(filter.toString(), StandardCharsets.UTF_8));
        for (JsonNode t : tasks) {
            String key = t.path("ServiceID").asText() + "/" + t.path("Slot").asInt();
            JsonNode seen = latest.get(key);
            if (seen == null || seen.path("Version").path("Index").asLong() < t.path("Version").path("Index").asLong()) {
                latest.put(key, t);
            }
        }
        return latest;
    }

    private Replica replica(Service service, JsonNode task) {
        Map<String, String> l = service.getSpec().getLabels();
        int slot = task.path("Slot").asInt();
        Endpoint endpoint = null;
        for (JsonNode p : task.path("Status").path("PortStatus").path("Ports")) {
            if (p.path("PublishedPort").asInt() > 0) {
                endpoint = new Endpoint(nodeAddress(task.path("NodeID").asText()), p.path("PublishedPort").asInt());
                break;
            }
        }
        return new Replica(service.getSpec().getName() + "-" + slot, task.path("ID").asText(), l.get(ReplicaLabels.SERVICE),
                Color.of(l.get(ReplicaLabels.COLOR)), l.get(ReplicaLabels.VERSION),
                l.get(ReplicaLabels.DEPLOY_ID), ReplicaLabels.opId(l), slot, endpoint,
                service.getSpec().getTaskTemplate().getContainerSpec().getImage(),
                "running".equals(task.path("Status").path("State").asText()));
    }

    /** Where a node publishes its tasks' ports: the address it joined the swarm with. */
    private String nodeAddress(String nodeId) {
        return nodeAddresses.computeIfAbsent(nodeId, id -> DockerReplicaCluster.reachable(manager.client()
                .listSwarmNodesCmd().withIdFilter(List.of(id)).exec().get(0).getStatus().getAddress()));
    }

    @Override
    public List<Replica> list(String service) {
        List<Service> services = manager.client().listServicesCmd()
                .withLabelFilter(Map.of(ReplicaLabels.SERVICE, service)).exec();
        Map<String, Service> byId = new LinkedHashMap<>();
        services.forEach(s -> byId.put(s.getId(), s));
        List<Replica> out = new ArrayList<>();
        for (JsonNode t : latestTasks(services).values()) {
            out.add(replica(byId.get(t.path("ServiceID").asText()), t));
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    /** Removes the Swarm services these replicas belong to (a service goes as a whole, with all its tasks). */
    @Override
    public void remove(List<Replica> replicas) {
        Map<String, String> services = new LinkedHashMap<>();
        replicas.forEach(r -> services.put(serviceName(r.service(), r.color(), r.deployId()), r.service()));
        List<String> failures = new ArrayList<>();
        services.forEach((name, service) -> {
            try {
                removeService(name, service);
            } catch (RuntimeException e) {
                failures.add(name + ": " + DockerEngine.rootMessage(e));
            }
        });
        if (!failures.isEmpty()) {
            throw new ClusterException("could not remove Swarm services: " + String.join("; ", failures));
        }
    }

    private void removeService(String name, String service) {
        Service s;
        try {
            s = manager.client().inspectServiceCmd(name).exec();
        } catch (NotFoundException gone) {
            return;
        }
        Map<String, String> labels = s.getSpec().getLabels();
        if (labels == null || !service.equals(labels.get(ReplicaLabels.SERVICE))) {
            throw new ClusterException("refusing to remove Swarm service " + name + ": it does not carry "
                    + ReplicaLabels.SERVICE + "=" + service);
        }
        try {
            manager.client().removeServiceCmd(s.getId()).exec();
        } catch (NotFoundException gone) {
            // removed meanwhile
        }
    }

    /** A task cannot be started on its own beside its service's: a heal renews the color as a new service. */
    @Override
    public boolean startsPartOfADeploy() {
        return false;
    }

    /** The agent on the task's node, at the node's address on {@code target.swarm.consulPort}, when that is set. */
    @Override
    public Optional<URI> nodeAgent(Replica replica) {
        Integer port = target.swarm().consulPort();
        if (port == null || replica.endpoint() == null) {
            return Optional.empty();
        }
        return Optional.of(URI.create("http://" + replica.endpoint().host() + ":" + port));
    }

    @Override
    public Map<String, String> userEnvironment(Replica replica) {
        Service s = manager.client().inspectServiceCmd(serviceName(replica.service(), replica.color(), replica.deployId())).exec();
        return DockerReplicaCluster.userEnvironment(s.getSpec().getTaskTemplate().getContainerSpec().getEnv());
    }

    @Override
    public void close() throws IOException {
        manager.close();
    }
}
