package io.bluegreen.core.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.v1.agent.model.Service;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's services as the registrator sees them: which are registered (with their meta), and plain
 * Registrator-style registrations (any name, tags, an optional HTTP check).
 */
public final class AgentServices {
    private final ConsulAgent agent;

    public AgentServices(ConsulAgent agent) {
        this.agent = agent;
    }

    /** A registered service: its ID, name and meta. */
    public record Registered(String id, String name, Map<String, String> meta) {
    }

    public List<Registered> list() {
        try {
            Map<String, Service> all = agent.client().getAgentServices().getValue();
            return all.values().stream()
                    .map(s -> new Registered(s.getId(), s.getService(), s.getMeta() == null ? Map.of() : s.getMeta())).toList();
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
    }

    /** {@code checkPath} null: no check. Interval and timeout in Consul's own form ("10s"). */
    public void register(String id, String name, List<String> tags, String address, int port, Map<String, String> meta,
                         String checkPath, String interval, String timeout) {
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("ID", id);
        service.put("Name", name);
        service.put("Tags", tags);
        service.put("Address", address);
        service.put("Port", port);
        service.put("Meta", meta);
        if (checkPath != null) {
            service.put("Check", Map.of("CheckID", "service:" + id, "HTTP", "http://" + address + ":" + port + checkPath,
                    "Interval", interval, "Timeout", timeout));
        }
        agent.put("/v1/agent/service/register", service);
    }
}
