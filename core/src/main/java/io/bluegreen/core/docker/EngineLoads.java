package io.bluegreen.core.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.Info;
import io.bluegreen.core.cluster.EngineLoad;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads what an engine holds right now (docker info, its running containers) for placement and the capacity check. */
final class EngineLoads {
    private EngineLoads() {
    }

    /**
     * {@code extraLabels} (the spec's) win over the engine's own {@code --label}s. {@code reservations}: read each
     * running container's memory reservation (a request per container), only when placement weighs memory.
     */
    static EngineLoad read(String name, DockerEngine engine, Map<String, String> extraLabels, String service,
                           boolean reservations) {
        Info info = engine.client().infoCmd().exec();
        Map<String, String> labels = new HashMap<>();
        for (String kv : info.getLabels() == null ? new String[0] : info.getLabels()) {
            int eq = kv.indexOf('=');
            labels.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        labels.putAll(extraLabels);
        List<Container> running = engine.client().listContainersCmd().exec();
        Set<Integer> ports = new HashSet<>();
        long reserved = 0;
        int replicas = 0;
        for (Container c : running) {
            for (ContainerPort p : c.getPorts() == null ? new ContainerPort[0] : c.getPorts()) {
                if (p.getPublicPort() != null) {
                    ports.add(p.getPublicPort());
                }
            }
            if (c.getLabels() != null && service.equals(c.getLabels().get(ReplicaLabels.SERVICE))) {
                replicas++;
            }
            reserved += reservations ? reservation(engine, c.getId()) : 0;
        }
        long total = info.getMemTotal() == null ? 0 : info.getMemTotal();
        return new EngineLoad(name, Map.copyOf(labels), total, reserved, running.size(), replicas, Set.copyOf(ports));
    }

    /** A container's memory reservation, or its limit when it has no reservation. */
    private static long reservation(DockerEngine engine, String id) {
        try {
            InspectContainerResponse i = engine.client().inspectContainerCmd(id).exec();
            Long r = i.getHostConfig().getMemoryReservation();
            Long limit = i.getHostConfig().getMemory();
            return r != null && r > 0 ? r : limit != null && limit > 0 ? limit : 0;
        } catch (NotFoundException gone) {
            return 0;
        }
    }
}
