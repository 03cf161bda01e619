package io.bluegreen.core.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.Check;
import com.ecwid.consul.v1.health.model.HealthService;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.port.ServiceRegistry;
import io.bluegreen.core.engine.Versioned;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HealthSpec;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replicas as Consul agent services with an HTTP check; health read with blocking queries, so the engine's
 * gate wakes on each change instead of polling.
 *
 * <p>Where a registration lives: in Consul a service belongs to the node of the agent that registered it, and goes
 * when that agent leaves or dies. So each replica is registered with the agent of the node it runs on when the target
 * names one ({@code nodeAgent}: {@code target.engines[].consul}, a Swarm task's node address on
 * {@code target.swarm.consulPort}), and with {@code agent} (the deployer's, {@code CONSUL_HTTP_ADDR}) otherwise. Then
 * the deployer's machine may go away, and a node that dies takes exactly its own replicas with it, which Consul calls
 * critical through the node's {@code serfHealth}. Health is read through {@code agent}, whose catalog sees every node.
 * The agent that registered a replica is recorded in its meta ({@code agent}); deregistration goes there, or, when that
 * agent is gone, to the catalog.
 */
public final class ConsulServiceRegistry implements ServiceRegistry {
    private static final long MAX_BLOCK_SECONDS = 5;
    private final ConsulAgent agent;
    private final Function<Replica, Optional<URI>> nodeAgent;
    private final Map<URI, ConsulAgent> nodeAgents = new ConcurrentHashMap<>();

    /** Every registration with {@code agent}: one machine, or a target that names no node agents. */
    public ConsulServiceRegistry(ConsulAgent agent) {
        this(agent, r -> Optional.empty());
    }

    public ConsulServiceRegistry(ConsulAgent agent, Function<Replica, Optional<URI>> nodeAgent) {
        this.agent = agent;
        this.nodeAgent = nodeAgent;
    }

    private ConsulAgent agentAt(URI address) {
        return address.equals(agent.address()) ? agent : nodeAgents.computeIfAbsent(address, agent::node);
    }

    @Override
    public void ping() {
        agent.ping();
    }

    @Override
    public void register(Replica replica, String digest, HealthSpec health, Audience audience) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("CheckID", "service:" + replica.id());
        check.put("Name", "HTTP " + health.path() + " of " + replica.id());
        check.put("HTTP", "http://" + replica.endpoint() + health.path());
        check.put("Method", "GET");
        check.put("Interval", Durations.format(health.interval()));
        check.put("Timeout", Durations.format(health.timeout()));
        // Starts critical and needs K successes in a row: Consul itself counts the gate's passes.
        check.put("Status", "critical");
        check.put("SuccessBeforePassing", health.passes());
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("ID", replica.id());
        service.put("Name", replica.service());
        List<String> tags = new java.util.ArrayList<>(List.of(replica.color().label(), "version-" + replica.version()));
        if (audience == Audience.PREVIEW) {
            tags.add("preview");
        }
        service.put("Tags", tags);
        service.put("Address", replica.endpoint().host());
        service.put("Port", replica.endpoint().port());
        ConsulAgent owner = nodeAgent.apply(replica).map(this::agentAt).orElse(agent);
        service.put("Meta", Map.of(
                "agent", owner.address().toString(),
                "color", replica.color().label(),
                "version", replica.version(),
                "deploy_id", replica.deployId(),
                "op_id", replica.opId(),
                "image_digest", digest == null ? "" : digest,
                "container_id", replica.runtimeId()));
        service.put("Check", check);
        owner.put("/v1/agent/service/register", service);
    }

    /**
     * At the agent that registered it (its meta says which); when that agent cannot be reached or no longer knows it
     * (its node died, or came back as a fresh agent), the catalog entry the dead agent left is removed on the servers.
     * A replica the catalog does not show (yet) is deregistered at the deployer's agent, as it was registered there.
     */
    @Override
    public void deregister(String service, String replicaId) {
        Optional<HealthService> entry = query(service, -1, 0).getValue().stream()
                .filter(hs -> replicaId.equals(hs.getService().getId())).findFirst();
        if (entry.isEmpty()) {
            deregisterAt(agent, replicaId);
            return;
        }
        Map<String, String> meta = entry.get().getService().getMeta() == null ? Map.of() : entry.get().getService().getMeta();
        // Only an agent on the registration's own node (or one this registry registered with) is asked: a meta value
        // never sends a request anywhere else.
        String nodeAddress = entry.get().getNode().getAddress();
        ConsulAgent owner = Optional.ofNullable(meta.get("agent")).flatMap(ConsulServiceRegistry::uri)
                .filter(u -> u.getHost().equals(nodeAddress) || nodeAgents.containsKey(u)).map(this::agentAt).orElse(agent);
        boolean gone;
        try {
            gone = deregisterAt(owner, replicaId);
        } catch (SystemUnreachableException unreachable) {
            gone = false;
        }
        if (!gone) {
            agent.put("/v1/catalog/deregister", Map.of("Node", entry.get().getNode().getNode(), "ServiceID", replicaId));
        }
    }

    /** Whether {@code at} knew the registration (false: 404); idempotent either way. */
    private static boolean deregisterAt(ConsulAgent at, String replicaId) {
        try {
            at.client().agentServiceDeregister(replicaId, at.token());
            return true;
        } catch (com.ecwid.consul.v1.OperationException e) {
            if (e.getStatusCode() != 404) {
                throw at.failure(e);
            }
            return false;
        } catch (ConsulException e) {
            throw at.failure(e);
        }
    }

    private static Optional<URI> uri(String text) {
        try {
            URI u = URI.create(text);
            return u.getHost() == null ? Optional.empty() : Optional.of(u);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<Instance> instances(String service) {
        return query(service, -1, 0).getValue().stream().map(ConsulServiceRegistry::toInstance).toList();
    }

    @Override
    public Versioned<List<Instance>> awaitChange(String service, long lastIndex, Duration maxWait) {
        long end = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Response<List<HealthService>> r = query(service, lastIndex <= 0 ? -1 : lastIndex, end);
            long index = r.getConsulIndex() == null ? 0 : r.getConsulIndex();
            // A lower index means Consul's index was reset: that is a change too, as Consul's docs say.
            if (lastIndex <= 0 || index != lastIndex || System.nanoTime() >= end) {
                return new Versioned<>(r.getValue().stream().map(ConsulServiceRegistry::toInstance).toList(), index);
            }
        }
    }

    /** With {@code index >= 0} a blocking query that waits for a change, at most until {@code endNanos}. */
    private Response<List<HealthService>> query(String service, long index, long endNanos) {
        HealthServicesRequest.Builder b = HealthServicesRequest.newBuilder().setPassing(false).setToken(agent.token());
        long remaining = (endNanos - System.nanoTime()) / 1_000_000_000L;
        b.setQueryParams(index < 0 ? QueryParams.DEFAULT
                : new QueryParams(Math.max(1, Math.min(MAX_BLOCK_SECONDS, remaining)), index));
        try {
            return agent.client().getHealthServices(service, b.build());
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
    }

    private static Instance toInstance(HealthService hs) {
        HealthService.Service s = hs.getService();
        Map<String, String> meta = s.getMeta() == null ? Map.of() : s.getMeta();
        Instance.Health worst = Instance.Health.PASSING;
        StringBuilder output = new StringBuilder();
        for (Check c : hs.getChecks()) {
            Instance.Health h = switch (c.getStatus()) {
                case PASSING -> Instance.Health.PASSING;
                case WARNING -> Instance.Health.WARNING;
                default -> Instance.Health.CRITICAL;
            };
            if (h.compareTo(worst) > 0) {
                worst = h;
            }
            if (h != Instance.Health.PASSING && c.getOutput() != null && !c.getOutput().isBlank()) {
                output.append(c.getOutput().strip());
            }
        }
        Color color = meta.containsKey("color") ? Color.of(meta.get("color")) : null;
        long checkIndex = hs.getChecks().stream().mapToLong(c -> c.getModifyIndex() == null ? 0 : c.getModifyIndex()).max().orElse(0);
        return new Instance(s.getId(), color, meta.get("version"), meta.get("deploy_id"),
                meta.getOrDefault("op_id", meta.get("deploy_id")), new Endpoint(s.getAddress(), s.getPort()), worst,
                output.toString(), checkIndex);
    }
}
