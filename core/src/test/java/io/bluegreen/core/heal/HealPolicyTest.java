package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.ServiceState;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class HealPolicyTest {
    private static ColorState color(String... ids) {
        return new ColorState("v1", "r/vote:v1", "sha256:x", "d1", ids.length, List.of(ids), List.of(), "t", null, null);
    }

    private static ServiceState state(Color active, ColorState blue, ColorState green) {
        ServiceState s = ServiceState.empty("vote");
        if (blue != null) {
            s = s.with(Color.BLUE, blue, "t");
        }
        if (green != null) {
            s = s.with(Color.GREEN, green, "t");
        }
        return s.withActive(active, null, java.time.Duration.ofMinutes(10), java.time.Duration.ofSeconds(30), "t");
    }

    private static Instance inst(String id, Instance.Health h) {
        return new Instance(id, id.startsWith("b") ? Color.BLUE : Color.GREEN, "v1", "d1", "d1", new Endpoint("127.0.0.1", 1), h, "", 0);
    }

    private static List<Instance> all(Instance.Health h, String... ids) {
        List<Instance> out = new ArrayList<>();
        for (String id : ids) {
            out.add(inst(id, h));
        }
        return out;
    }

    @Test
    public void nothingDeployedNeedsNothing() {
        assertEquals(HealDecision.Action.NONE, HealPolicy.decide(ServiceState.empty("vote"), List.of()).action());
    }

    @Test
    public void allPassingNeedsNothing() {
        HealDecision d = HealPolicy.decide(state(Color.BLUE, color("b1", "b2"), null), all(Instance.Health.PASSING, "b1", "b2"));
        assertEquals(HealDecision.Action.NONE, d.action());
        assertTrue(d.reason(), d.reason().contains("all 2 replicas of blue pass"));
    }

    @Test
    public void aWarningStillServesAndIsNotAFailure() {
        List<Instance> i = List.of(inst("b1", Instance.Health.WARNING), inst("b2", Instance.Health.PASSING));
        assertEquals(HealDecision.Action.NONE, HealPolicy.decide(state(Color.BLUE, color("b1", "b2"), null), i).action());
    }

    @Test
    public void someActiveFailedAreReplacedInPlace() {
        List<Instance> i = List.of(inst("b1", Instance.Health.CRITICAL), inst("b2", Instance.Health.PASSING));
        HealDecision d = HealPolicy.decide(state(Color.BLUE, color("b1", "b2"), color("g1", "g2")), i);
        assertEquals(HealDecision.Action.REPLACE, d.action());
        assertEquals(Color.BLUE, d.color());
        assertEquals(List.of("b1"), d.failed());
    }

    @Test
    public void aReplicaGoneFromConsulCountsAsFailed() {
        HealDecision d = HealPolicy.decide(state(Color.BLUE, color("b1", "b2"), null), all(Instance.Health.PASSING, "b2"));
        assertEquals(HealDecision.Action.REPLACE, d.action());
        assertEquals(List.of("b1"), d.failed());
    }

    @Test
    public void allActiveFailedWithAPassingStandbyFailsBack() {
        List<Instance> i = new ArrayList<>(all(Instance.Health.CRITICAL, "g1", "g2"));
        i.addAll(all(Instance.Health.PASSING, "b1", "b2"));
        HealDecision d = HealPolicy.decide(state(Color.GREEN, color("b1", "b2"), color("g1", "g2")), i);
        assertEquals(HealDecision.Action.FAIL_BACK, d.action());
        assertEquals(Color.GREEN, d.color());
        assertEquals(List.of("g1", "g2"), d.failed());
    }

    @Test
    public void allActiveFailedWithAnUnhealthyOrNoStandbyRedeploys() {
        List<Instance> i = new ArrayList<>(all(Instance.Health.CRITICAL, "g1", "g2", "b1"));
        i.addAll(all(Instance.Health.PASSING, "b2"));
        assertEquals(HealDecision.Action.REDEPLOY,
                HealPolicy.decide(state(Color.GREEN, color("b1", "b2"), color("g1", "g2")), i).action());
        assertEquals(HealDecision.Action.REDEPLOY,
                HealPolicy.decide(state(Color.GREEN, null, color("g1", "g2")), all(Instance.Health.CRITICAL, "g1", "g2")).action());
    }

    @Test
    public void aFailedStandbyIsRepairedWhenTheActiveIsHealthy() {
        List<Instance> i = new ArrayList<>(all(Instance.Health.PASSING, "g1", "g2", "b2"));
        i.add(inst("b1", Instance.Health.CRITICAL));
        HealDecision d = HealPolicy.decide(state(Color.GREEN, color("b1", "b2"), color("g1", "g2")), i);
        assertEquals(HealDecision.Action.REPLACE, d.action());
        assertEquals(Color.BLUE, d.color());
    }
}
