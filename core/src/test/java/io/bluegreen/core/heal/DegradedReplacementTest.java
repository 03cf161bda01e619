package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.fake.World;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** A trend rule's decision, acted on by the healer on fakes: a replica that still passes is replaced in place. */
public class DegradedReplacementTest {
    private final World world = new World("vote", true);
    private final Healer healer = new Healer(world.systems(), new HealSettings(Duration.ZERO, 3, Duration.ofMinutes(10),
            Duration.ofSeconds(1), Optional.empty()), e -> { });

    private void deploy() {
        Deployed.v1(world, 3, Map.of());
    }

    private ColorState blue() {
        return world.store.readState("vote").value().color(Color.BLUE).orElseThrow();
    }

    @Test
    public void aPassingReplicaThatDegradesIsReplacedAndTheRestKept() {
        deploy();
        List<String> before = blue().replicaIds();
        String slow = before.get(1);
        HealOutcome o = healer.healTrend("vote", new HealDecision(HealDecision.Action.REPLACE_DEGRADED, Color.BLUE, List.of(slow),
                "trend: average response time (s) of " + slow + " = 0.5 against a median of 0.002"), new Healer.Run(true));
        assertEquals(o.reason(), HealOutcome.Result.HEALED, o.result());
        List<String> after = blue().replicaIds();
        assertEquals(3, after.size());
        assertFalse(after.contains(slow));
        assertTrue(after.containsAll(List.of(before.get(0), before.get(2))));
        assertEquals("the proxy serves the kept and the new replica", 3, world.router.routed().size());
        HistoryRecord heal = world.store.history("vote", 1).get(0);
        assertEquals("heal", heal.kind());
        assertTrue(heal.reason(), heal.reason().startsWith("replace-degraded: trend: average response time (s) of " + slow));
    }

    @Test
    public void theSameTrendIsActedOnOnceAndTheRateLimitHolds() {
        deploy();
        String slow = blue().replicaIds().get(0);
        HealDecision d = new HealDecision(HealDecision.Action.REPLACE_DEGRADED, Color.BLUE, List.of(slow), "trend: x");
        assertEquals(HealOutcome.Result.HEALED, healer.healTrend("vote", d, new Healer.Run(true)).result());
        assertEquals(HealOutcome.Result.SKIPPED, healer.healTrend("vote", d, new Healer.Run(true)).result());
    }
}
