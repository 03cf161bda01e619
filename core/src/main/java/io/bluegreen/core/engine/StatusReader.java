package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.TrafficRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads a service's state, its containers and their health into one report; changes nothing. */
public final class StatusReader {
    private final Systems sys;

    public StatusReader(Systems sys) {
        this.sys = sys;
    }

    public StatusReport read(String service) {
        ServiceState state = sys.store().readState(service).value();
        Map<String, Instance> health = sys.registry().instances(service).stream()
                .collect(Collectors.toMap(Instance::id, i -> i, (a, b) -> a));
        List<Replica> containers = sys.cluster().list(service);
        Map<String, Replica> byId = containers.stream().collect(Collectors.toMap(Replica::id, r -> r, (a, b) -> a));
        List<StatusReport.ColorStatus> colors = new ArrayList<>();
        List<String> known = new ArrayList<>();
        for (Color c : Color.values()) {
            Optional<ColorState> cs = state.color(c);
            if (cs.isEmpty()) {
                continue;
            }
            ColorState s = cs.get();
            List<StatusReport.ReplicaStatus> replicas = new ArrayList<>();
            int running = 0;
            int passing = 0;
            for (String id : s.replicaIds()) {
                known.add(id);
                Replica r = byId.get(id);
                Instance i = health.get(id);
                boolean up = r != null && r.running();
                running += up ? 1 : 0;
                passing += i != null && i.passing() ? 1 : 0;
                replicas.add(new StatusReport.ReplicaStatus(id, i != null ? i.endpoint().toString()
                        : r != null && r.endpoint() != null ? r.endpoint().toString() : null, up,
                        i == null ? "not registered" : i.health().name().toLowerCase(), i == null || i.output().isEmpty() ? null : i.output()));
            }
            String role = state.inPreview().map(p -> p.previewColor() == c).orElse(false) ? "preview"
                    : state.activeColor().map(a -> a == c ? "active" : "standby").orElse("idle");
            colors.add(new StatusReport.ColorStatus(c.label(), role, s.version(), s.deployId(), s.digest(), s.replicas(),
                    running, passing, replicas, s.standbyUntil()));
        }
        List<String> strays = containers.stream().filter(r -> !known.contains(r.id()))
                .map(r -> r.id() + (r.running() ? " (running)" : " (stopped)")).toList();
        String interrupted = sys.store().readJournal(service)
                .map(j -> j.kind() + " " + j.opId() + " stopped in phase " + j.phase()).orElse(null);
        TrafficRouter production = state.router() == null ? null : sys.routerFor().apply(state.router());
        return new StatusReport(service, state.active(), production == null ? null : production.describe(), colors,
                interrupted, strays, state.preview(), production == null ? null
                        : LiveTraffic.activeNotServed(state, production).orElse(null));
    }
}
