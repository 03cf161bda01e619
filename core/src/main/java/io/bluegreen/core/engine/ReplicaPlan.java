package io.bluegreen.core.engine;

import java.util.Map;

/** What to start: {@code count} replicas of {@code image} in {@code color}, for one deploy. */
public record ReplicaPlan(String service, Color color, String version, String deployId, String image,
                          int count, int containerPort, String hostAddress, Map<String, String> env) {

    public String replicaName(int index) {
        return service + "-" + color.label() + "-" + deployId + "-" + index;
    }
}
