package io.bluegreen.core.docker;

import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.spec.StopSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that says how a replica is marked: the labels on its container or Swarm service (only what
 * carries {@link #SERVICE} is ever stopped or removed) and the {@code BLUEGREEN_*} variables it is started with.
 */
public final class ReplicaLabels {
    public static final String SERVICE = "bluegreen.service";
    public static final String COLOR = "bluegreen.color";
    public static final String VERSION = "bluegreen.version";
    public static final String DEPLOY_ID = "bluegreen.deploy-id";
    public static final String OP_ID = "bluegreen.op-id";
    public static final String REPLICA = "bluegreen.replica";
    /**
     * The spec's stop timeout in seconds, on a container that has one: what {@code docker stop} is given at retire
     * (Docker's API takes the timeout with each stop, and docker-java sends its own 10 s when none is given).
     */
    public static final String STOP_TIMEOUT = "bluegreen.stop-timeout";
    /** What the tool sets itself; {@code userEnvironment} leaves these out when a heal copies a replica's environment. */
    public static final String ENV_PREFIX = "BLUEGREEN_";

    private ReplicaLabels() {
    }

    /** The stop timeout a container's labels give, bounded as the spec bounds it; none (or not a number): Docker's. */
    public static int stopTimeoutSeconds(Map<String, String> labels) {
        String value = labels.getOrDefault(STOP_TIMEOUT, "");
        long max = StopSpec.MAX_TIMEOUT.toSeconds();
        return value.matches("[0-9]{1,4}") && Long.parseLong(value) <= max ? Integer.parseInt(value)
                : (int) StopSpec.DOCKER_TIMEOUT.toSeconds();
    }

    /** The labels of the plan's replicas; {@code index} null for a Swarm service (its tasks carry a slot instead). */
    public static Map<String, String> of(ReplicaPlan plan, Integer index) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(SERVICE, plan.service());
        labels.put(COLOR, plan.color().label());
        labels.put(VERSION, plan.version());
        labels.put(DEPLOY_ID, plan.deployId());
        labels.put(OP_ID, plan.opId());
        if (index != null) {
            labels.put(REPLICA, Integer.toString(index));
        }
        plan.stop().timeout().ifPresent(t -> labels.put(STOP_TIMEOUT, Long.toString(t.toSeconds())));
        return labels;
    }

    /** The plan's user environment followed by the tool's own variables; {@code replica} is the index or a template. */
    public static List<String> environment(ReplicaPlan plan, String replica) {
        List<String> env = new ArrayList<>();
        plan.env().forEach((k, v) -> env.add(k + "=" + v));
        env.add(ENV_PREFIX + "SERVICE=" + plan.service());
        env.add(ENV_PREFIX + "COLOR=" + plan.color().label());
        env.add(ENV_PREFIX + "VERSION=" + plan.version());
        env.add(ENV_PREFIX + "DEPLOY_ID=" + plan.deployId());
        env.add(ENV_PREFIX + "REPLICA=" + replica);
        return env;
    }

    /** The operation that started a replica; replicas started before operation IDs existed carry only their deploy's. */
    public static String opId(Map<String, String> labels) {
        return labels.getOrDefault(OP_ID, labels.get(DEPLOY_ID));
    }
}
