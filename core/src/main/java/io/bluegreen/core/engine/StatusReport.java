package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code bluegreen status} shows: per color, what should run, what runs and what Consul says of it; the color
 * waiting in preview, if any, with its deadlines; {@code trafficDisagrees}: what the proxy serves when it is not the
 * active color (null when it is).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusReport(String service, String active, String router, List<ColorStatus> colors,
                           String interruptedOperation, List<String> strays, PreviewState preview,
                           String trafficDisagrees) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ColorStatus(String color, String role, String version, String deployId, String digest, int replicas,
                              int running, int passing, List<ReplicaStatus> replicaStatus, String standbyUntil) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReplicaStatus(String id, String endpoint, boolean running, String health, String output) {
    }
}
