package io.bluegreen.core.cluster;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

public class PlacementTest {
    private static final long GIB = 1024L * 1024 * 1024;
    private static final EngineLoad A = new EngineLoad("a", Map.of("zone", "a"), 8 * GIB, 1 * GIB, 5, 0, Set.of());
    private static final EngineLoad B = new EngineLoad("b", Map.of("zone", "b"), 8 * GIB, 6 * GIB, 9, 2, Set.of(8080));
    private static final EngineLoad C = new EngineLoad("c", Map.of("zone", "a"), 8 * GIB, 2 * GIB, 1, 0, Set.of());

    private static Demand demand(int n, long memory, Integer port, String... constraints) {
        return new Demand(n, memory, port, List.of(constraints).stream().map(c -> Constraint.parse(c).orElseThrow()).toList());
    }

    @Test
    public void spreadFillsTheEngineWithFewestReplicasThenFewestContainers() {
        List<String> placed = Placement.place(List.of(A, B, C), demand(4, 0, null), Strategy.SPREAD, new Random(1));
        assertEquals(List.of("c", "a", "c", "a"), placed.subList(0, 4));
    }

    @Test
    public void binpackFillsTheMostLoadedEngineThatStillFits() {
        // b has 2 GiB unreserved: two 1 GiB replicas, then the next most loaded (c).
        List<String> placed = Placement.place(List.of(A, B, C), demand(3, GIB, null), Strategy.BINPACK, new Random(1));
        assertEquals(List.of("b", "b", "c"), placed);
    }

    @Test
    public void randomStaysWithinConstraints() {
        List<String> placed = Placement.place(List.of(A, B, C), demand(20, 0, null, "node.labels.zone == a"),
                Strategy.RANDOM, new Random(7));
        assertFalse(placed.contains("b"));
        assertTrue(placed.contains("a") && placed.contains("c"));
    }

    @Test
    public void aFixedHostPortAllowsOneReplicaPerEngineWhereItIsFree() {
        assertEquals(Set.of("a", "c"), Set.copyOf(Placement.place(List.of(A, B, C), demand(2, 0, 8080), Strategy.SPREAD, new Random())));
        try {
            Placement.place(List.of(A, B, C), demand(3, 0, 8080), Strategy.SPREAD, new Random());
            fail("three replicas on port 8080 cannot fit on two free engines");
        } catch (CapacityException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("b: room for 0 (host port 8080 in use)"));
            assertTrue(e.getMessage(), e.getMessage().contains("short by 1 replica(s): engines with host port 8080 free"));
        }
    }

    @Test
    public void memoryShortageSaysHowMuchIsMissing() {
        try {
            Placement.place(List.of(A, B, C), demand(20, GIB, null, "engine.labels.zone != b"), Strategy.BINPACK, new Random());
            fail("20 GiB do not fit in 13 GiB");
        } catch (CapacityException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("b: excluded by node.labels.zone != b"));
            assertTrue(e.getMessage(), e.getMessage().contains("short by 7 replica(s): 7168 MiB of memory"));
        }
    }

    @Test
    public void constraintsParseSwarmSyntaxOnly() {
        assertEquals(new Constraint("zone", true, "a"), Constraint.parse("node.labels.zone==a").orElseThrow());
        assertFalse(Constraint.parse("zone = a").isPresent());
        assertFalse(Constraint.parse("node.labels.zone == a; rm -rf").isPresent());
    }
}
