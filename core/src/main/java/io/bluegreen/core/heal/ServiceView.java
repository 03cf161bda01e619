package io.bluegreen.core.heal;

import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Systems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One read of what a person watching a service wants to see, for the dashboard and {@code /metrics}: the state (active
 * color; per color its version, deploy, standby-until and replicas), each replica's Consul check, and the newest
 * history records. Only what the state and history already hold, which never includes an environment value; a
 * check's output is left out (it is whatever the replica's health page printed).
 */
public record ServiceView(String service, String active, List<ColorView> colors, List<Event> history) {
    /** How many history records a view carries (the dashboard's timeline, the operation counts of /metrics). */
    static final int HISTORY = 50;

    public record ColorView(String color, String version, String deployId, String since, String standbyUntil,
                            List<ReplicaView> replicas) {
        public long passing() {
            return replicas.stream().filter(r -> r.check().equals("passing")).count();
        }
    }

    /** A replica the state names, with its check as Consul reports it ("missing": not registered). */
    public record ReplicaView(String id, String endpoint, String check) {
    }

    /** One history record, as the timeline shows it. */
    public record Event(String id, String kind, String outcome, String version, String color, String startedAt,
                        String endedAt, long durationMs, String reason, Long flipMs, Integer flipFailed, Long gateMs) {
        static Event of(HistoryRecord r) {
            Long gate = r.phases() == null ? null : r.phases().stream().filter(p -> p.phase().equals("gate"))
                    .mapToLong(HistoryRecord.PhaseTiming::ms).boxed().findFirst().orElse(null);
            return new Event(r.id(), r.kind(), r.outcome(), r.version(), r.color(), r.startedAt(), r.endedAt(),
                    r.durationMs(), r.reason(), r.flip() == null ? null : r.flip().flipMs(),
                    r.flip() == null ? null : r.flip().failed(), gate);
        }
    }

    public static ServiceView read(Systems sys, String service) {
        ServiceState state = sys.store().readState(service).value();
        Map<String, Instance> instances = new TreeMap<>();
        sys.registry().instances(service).forEach(i -> instances.put(i.id(), i));
        List<ColorView> colors = new ArrayList<>();
        if (state.colors() != null) {
            state.colors().forEach((color, cs) -> colors.add(color(color, cs, instances)));
        }
        List<Event> history = sys.store().history(service, HISTORY).stream().map(Event::of).toList();
        return new ServiceView(service, state.active(), List.copyOf(colors), history);
    }

    private static ColorView color(String color, ColorState cs, Map<String, Instance> instances) {
        List<ReplicaView> replicas = new ArrayList<>();
        for (int i = 0; i < cs.replicaIds().size(); i++) {
            String id = cs.replicaIds().get(i);
            Instance in = instances.get(id);
            replicas.add(new ReplicaView(id, i < cs.endpoints().size() ? cs.endpoints().get(i) : null,
                    in == null ? "missing" : in.health().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return new ColorView(color, cs.version(), cs.deployId(), cs.since(), cs.standbyUntil(), List.copyOf(replicas));
    }
}
