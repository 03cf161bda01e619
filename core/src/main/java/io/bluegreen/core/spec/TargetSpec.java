package io.bluegreen.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bluegreen.core.cluster.Constraint;
import io.bluegreen.core.cluster.Demand;
import io.bluegreen.core.cluster.Strategy;
import java.util.List;
import java.util.Map;

/**
 * Where a service's colors run (the spec's {@code target:} section). {@code LOCAL} is the one engine of
 * {@code DOCKER_HOST}; {@code ENGINES} places each color's replicas over several engines; {@code SWARM} runs each
 * color as Swarm mode services through a manager ({@code swarm}). Kept in the
 * service's state so status, rollback and heal find the same engines without the spec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetSpec(Type type, Strategy strategy, List<String> constraints, List<Engine> engines,
                         long memory, Integer hostPort, Swarm swarm) {

    public enum Type { LOCAL, ENGINES, SWARM }

    public static final TargetSpec LOCAL = new TargetSpec(Type.LOCAL, Strategy.SPREAD, List.of(), List.of(), 0, null, null);

    /**
     * One Docker engine: {@code host} as DOCKER_HOST spells it, {@code address} where the proxy and Consul reach
     * the ports it publishes (and where it publishes them), {@code labels} added to the engine's own labels,
     * {@code certPath} a folder with Docker's TLS files (ca.pem, cert.pem, key.pem) for tcp:// hosts, {@code consul}
     * the Consul agent of the engine's node ({@code http(s)://host:port}), where its replicas are registered (without
     * it: the deployer's agent, CONSUL_HTTP_ADDR).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Engine(String name, String host, String address, Map<String, String> labels, String certPath, String consul) {
        public Engine(String name, String host, String address, Map<String, String> labels, String certPath) {
            this(name, host, address, labels, certPath, null);
        }
    }

    /**
     * A Swarm manager: {@code host} as DOCKER_HOST spells it, {@code certPath} Docker's TLS files for tcp://,
     * {@code consulPort} the HTTP port of the Consul agent on every node: each task is registered with the agent at its
     * node's address on that port (without it: the deployer's agent, CONSUL_HTTP_ADDR).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Swarm(String host, String certPath, Integer consulPort) {
        public Swarm(String host, String certPath) {
            this(host, certPath, null);
        }
    }

    @JsonIgnore
    public boolean isLocal() {
        return type == Type.LOCAL;
    }

    /**
     * Whether replicas placed under {@code recorded} are within this target's reach: the same kind, the same swarm
     * manager, or engines that include every recorded one (same name and host: runtime IDs name the engine).
     */
    public boolean reaches(TargetSpec recorded) {
        if (recorded.type != type) {
            return false;
        }
        return switch (type) {
            case LOCAL -> true;
            case SWARM -> swarm.host().equals(recorded.swarm.host());
            case ENGINES -> engineHosts().containsAll(recorded.engineHosts());
        };
    }

    /** Where replicas run, in a few words: for messages. */
    public String describe() {
        return switch (type) {
            case LOCAL -> "local (DOCKER_HOST's engine)";
            case SWARM -> "swarm (manager " + swarm.host() + ")";
            case ENGINES -> "engines (" + String.join(", ", engineHosts()) + ")";
        };
    }

    private List<String> engineHosts() {
        return engines.stream().map(e -> e.name() + " " + e.host()).toList();
    }

    public Demand demand(int replicas) {
        return new Demand(replicas, memory, hostPort,
                constraints.stream().map(c -> Constraint.parse(c).orElseThrow()).toList());
    }
}
