package io.bluegreen.core.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Places the replicas of one color on engines: constraints first, then capacity (memory reservations and a
 * fixed host port, counted with everything already running, so both colors must fit at once), then the
 * strategy picks among the engines that still fit, one replica at a time.
 */
public final class Placement {
    private static final long MIB = 1024 * 1024;

    private Placement() {
    }

    /** The engine name for replica 1..n, in order; {@link CapacityException} saying what is short. */
    public static List<String> place(List<EngineLoad> engines, Demand demand, Strategy strategy, Random random) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        int room = 0;
        for (EngineLoad e : engines) {
            Constraint unmet = demand.constraints().stream().filter(c -> !c.matches(e.labels())).findFirst().orElse(null);
            if (unmet != null) {
                reasons.add(e.name() + ": excluded by " + unmet);
                continue;
            }
            Slot slot = new Slot(e, capacity(e, demand));
            slots.put(e.name(), slot);
            room += Math.min(slot.capacity, demand.replicas());
            reasons.add(e.name() + ": room for " + (slot.capacity >= Integer.MAX_VALUE ? "any number" : slot.capacity)
                    + why(e, demand));
        }
        if (room < demand.replicas()) {
            throw new CapacityException(demand.replicas() + " replica(s)" + needs(demand) + " do not fit: the engines hold "
                    + room + " more (" + String.join("; ", reasons) + "); short by " + (demand.replicas() - room)
                    + " replica(s)" + shortage(demand, demand.replicas() - room));
        }
        Comparator<Slot> order = switch (strategy) {
            case SPREAD -> Comparator.comparingInt((Slot s) -> s.load.serviceReplicas() + s.placed)
                    .thenComparingInt(s -> s.load.containers() + s.placed)
                    .thenComparing(s -> s.load.name());
            case BINPACK -> Comparator.comparingDouble((Slot s) -> -s.usedFraction(demand))
                    .thenComparingInt(s -> -(s.load.containers() + s.placed))
                    .thenComparing(s -> s.load.name());
            case RANDOM -> null;
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < demand.replicas(); i++) {
            List<Slot> open = slots.values().stream().filter(s -> s.placed < s.capacity).toList();
            Slot pick = order == null ? open.get(random.nextInt(open.size())) : open.stream().min(order).orElseThrow();
            pick.placed++;
            out.add(pick.load.name());
        }
        return out;
    }

    private static int capacity(EngineLoad e, Demand d) {
        long byMemory = d.memoryPerReplica() <= 0 ? Integer.MAX_VALUE : Math.max(0, e.memoryFree() / d.memoryPerReplica());
        long byPort = d.hostPort() == null ? Integer.MAX_VALUE : e.portsInUse().contains(d.hostPort()) ? 0 : 1;
        return (int) Math.min(Integer.MAX_VALUE, Math.min(byMemory, byPort));
    }

    private static String why(EngineLoad e, Demand d) {
        List<String> parts = new ArrayList<>();
        if (d.memoryPerReplica() > 0) {
            parts.add(mib(Math.max(0, e.memoryFree())) + " of " + mib(e.memoryTotal()) + " memory unreserved");
        }
        if (d.hostPort() != null) {
            parts.add(e.portsInUse().contains(d.hostPort()) ? "host port " + d.hostPort() + " in use"
                    : "host port " + d.hostPort() + " free, one replica per engine");
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String needs(Demand d) {
        List<String> parts = new ArrayList<>();
        if (d.memoryPerReplica() > 0) {
            parts.add(mib(d.memoryPerReplica()) + " reserved each");
        }
        if (d.hostPort() != null) {
            parts.add("host port " + d.hostPort() + " each");
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String shortage(Demand d, int missing) {
        if (d.memoryPerReplica() > 0) {
            return ": " + mib(missing * d.memoryPerReplica()) + " of memory"
                    + (d.hostPort() == null ? "" : " or engines with host port " + d.hostPort() + " free");
        }
        return d.hostPort() == null ? " (no engine matches)" : ": engines with host port " + d.hostPort() + " free";
    }

    private static String mib(long bytes) {
        return bytes / MIB + " MiB";
    }

    private static final class Slot {
        final EngineLoad load;
        final int capacity;
        int placed;

        Slot(EngineLoad load, int capacity) {
            this.load = load;
            this.capacity = capacity;
        }

        double usedFraction(Demand d) {
            long total = Math.max(1, load.memoryTotal());
            return (double) (load.memoryReserved() + placed * d.memoryPerReplica()) / total;
        }
    }
}
