package io.bluegreen.core.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.Check;
import com.ecwid.consul.v1.health.model.HealthService;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.EventSink;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.PhaseFailure;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ServiceRegistry;
import io.bluegreen.core.engine.Versioned;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HealthSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Replicas as Consul agent services with an HTTP check; health read with blocking queries, so the gate
 * wakes on each change instead of polling.
 */
public final class ConsulServiceRegistry implements ServiceRegistry {
    /** After a change, wait this long before asking again, so replicas passing together cost one query. */
    private static final long COALESCE_MILLIS = 25;
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
    public void register(Replica replica, String digest, HealthSpec health) {
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
        service.put("Tags", List.of(replica.color().label(), "version-" + replica.version()));
        service.put("Address", replica.endpoint().host());
        service.put("Port", replica.endpoint().port());
        service.put("Meta", Map.of(
                "color", replica.color().label(),
                "version", replica.version(),
                "deploy_id", replica.deployId(),
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
        return new Instance(s.getId(), color, meta.get("version"), meta.get("deploy_id"),
                new Endpoint(s.getAddress(), s.getPort()), worst, output.toString());
    }

    /**
     * Consul 1.8 does not hold a check that starts critical to {@code SuccessBeforePassing} (measured: it
     * passes after one success), so the gate counts itself: a replica has passed K times in a row once it
     * has stayed passing, with no change to its check, for (K-1) intervals after Consul first said passing.
     * Blocking queries wake us on any change; while a streak is running we look again every 200 ms.
     */
    @Override
    public void awaitPassing(String service, Set<String> ids, HealthSpec health, EventSink events) {
        long end = System.nanoTime() + health.deadline().toNanos();
        long streakNanos = health.effectiveInterval().toNanos() * (health.passes() - 1);
        Map<String, long[]> streaks = new HashMap<>(); // id -> {check modify index, passing since}
        Map<String, Instance> seen = new HashMap<>();
        long index = 0;
        int lastCount = -1;
        boolean first = true;
        while (true) {
            int passed = passedCount(streaks, streakNanos);
            if (passed != lastCount && !first) {
                events.progress(passed + "/" + ids.size() + " replicas passing");
                lastCount = passed;
            }
            if (passed == ids.size()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new PhaseFailure("health gate: " + passed + "/" + ids.size() + " replicas passed "
                        + health.path() + " " + health.passes() + " times in a row within "
                        + Durations.format(health.deadline()) + "; " + describeFailing(ids, seen));
            }
            boolean streaksRunning = streaks.size() > passed;
            if (!first) {
                breathe(streaksRunning ? 200 : COALESCE_MILLIS);
            }
            first = false;
            Response<List<HealthService>> r = query(service, streaksRunning ? -1 : index, end);
            index = r.getConsulIndex() == null ? 0 : r.getConsulIndex();
            seen.clear();
            for (HealthService hs : r.getValue()) {
                Instance i = toInstance(hs);
                if (!ids.contains(i.id())) {
                    continue;
                }
                seen.put(i.id(), i);
                long modified = hs.getChecks().stream().mapToLong(c -> c.getModifyIndex() == null ? 0 : c.getModifyIndex()).max().orElse(0);
                long[] streak = streaks.get(i.id());
                if (!i.passing()) {
                    streaks.remove(i.id());
                } else if (streak == null || streak[0] != modified) {
                    streaks.put(i.id(), new long[] {modified, System.nanoTime()});
                }
            }
            streaks.keySet().retainAll(seen.keySet());
        }
    }

    private static int passedCount(Map<String, long[]> streaks, long streakNanos) {
        long now = System.nanoTime();
        return (int) streaks.values().stream().filter(s -> now - s[1] >= streakNanos).count();
    }

    @Override
    public void watchPassing(String service, Set<String> ids, Duration window) {
        long end = System.nanoTime() + window.toNanos();
        long index = 0;
        do {
            Response<List<HealthService>> r = query(service, index, end);
            index = r.getConsulIndex() == null ? 0 : r.getConsulIndex();
            Map<String, Instance> seen = r.getValue().stream().map(ConsulServiceRegistry::toInstance)
                    .filter(i -> ids.contains(i.id()))
                    .collect(Collectors.toMap(Instance::id, i -> i));
            if (seen.size() < ids.size() || seen.values().stream().anyMatch(i -> !i.passing())) {
                throw new PhaseFailure("verify: the new color stopped passing; " + describeFailing(ids, seen));
            }
            breathe(100);
        } while (System.nanoTime() < end);
    }

    /** Why replicas are not passing; the agent's own view has the check output before the catalog does. */
    private String describeFailing(Set<String> ids, Map<String, Instance> seen) {
        Map<String, com.ecwid.consul.v1.agent.model.Check> agentChecks;
        try {
            agentChecks = agent.client().getAgentChecks().getValue();
        } catch (RuntimeException e) {
            agentChecks = Map.of();
        }
        List<String> parts = new ArrayList<>();
        for (String id : ids.stream().sorted().toList()) {
            Instance i = seen.get(id);
            if (i == null) {
                parts.add(id + " is not registered");
            } else if (!i.passing()) {
                com.ecwid.consul.v1.agent.model.Check own = agentChecks.get("service:" + id);
                String output = !i.output().isEmpty() ? i.output() : own != null && own.getOutput() != null ? own.getOutput() : "";
                parts.add(id + " is " + i.health().name().toLowerCase() + (output.isBlank() ? "" : " (" + abbreviate(output) + ")"));
            }
        }
        return String.join("; ", parts);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }

    /** A blocking query returns at once when the index is 0 or moved backwards; this keeps that from spinning. */
    private static void breathe(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PhaseFailure("interrupted while waiting for health", e);
        }
    }
}
