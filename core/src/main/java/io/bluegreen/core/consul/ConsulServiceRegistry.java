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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replicas as Consul agent services with an HTTP check; health read with blocking queries, so the engine's
 * gate wakes on each change instead of polling.
 */
public final class ConsulServiceRegistry implements ServiceRegistry {
    private static final long MAX_BLOCK_SECONDS = 5;
    private final ConsulAgent agent;

    public ConsulServiceRegistry(ConsulAgent agent) {
        this.agent = agent;
    }

    @Override
    public void ping() {
        agent.ping();
    }

    @Override
    public void register(Replica replica, String digest, HealthSpec health, boolean preview) {
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
        if (preview) {
            tags.add("preview");
        }
        service.put("Tags", tags);
        service.put("Address", replica.endpoint().host());
        service.put("Port", replica.endpoint().port());
        service.put("Meta", Map.of(
                "color", replica.color().label(),
                "version", replica.version(),
                "deploy_id", replica.deployId(),
                "op_id", replica.opId(),
                "image_digest", digest == null ? "" : digest,
                "container_id", replica.runtimeId()));
        service.put("Check", check);
        agent.put("/v1/agent/service/register", service);
    }

    @Override
    public void deregister(String replicaId) {
        try {
            agent.client().agentServiceDeregister(replicaId, agent.token());
        } catch (com.ecwid.consul.v1.OperationException e) {
            if (e.getStatusCode() != 404) {
                throw agent.failure(e);
            }
            // already gone: deregistering is idempotent
        } catch (ConsulException e) {
            throw agent.failure(e);
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
