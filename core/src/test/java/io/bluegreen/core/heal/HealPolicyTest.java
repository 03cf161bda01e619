package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Observed;
import io.bluegreen.core.engine.OperationKind;
import io.bluegreen.core.engine.Planner;
import io.bluegreen.core.engine.RefusedException;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

public class HealPolicyTest {
    private static ColorState color(String... ids) {
        return new ColorState("v1", "r/vote:v1", "sha256:x", "d1", ids.length, List.of(ids), List.of(), "t", null, null, null);
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

    /** What the heal observes: the replicas' run state besides Consul's health; those in {@code stopped} exited. */
    private static Observed observed(ServiceState s, List<Instance> instances, String... stopped) {
        List<Replica> replicas = new ArrayList<>();
        for (Instance i : instances) {
            replicas.add(new Replica(i.id(), "c-" + i.id(), "vote", i.color(), "v1", "d1", "d1", 1, i.endpoint(), "r/vote:v1",
                    !List.of(stopped).contains(i.id())));
        }
        return new Observed("vote", new Versioned<>(s, 1), replicas, instances, true);
    }

    @Test
    public void aReplicaWhoseContainerStoppedHasFailedThoughConsulStillSaysPassing() {
        Observed o = observed(state(Color.BLUE, color("b1", "b2"), null), all(Instance.Health.PASSING, "b1", "b2"), "b1");

        HealDecision d = HealPolicy.decide(o);

        assertEquals(HealDecision.Action.REPLACE, d.action());
        assertEquals(List.of("b1"), d.failed());
    }

    @Test
    public void aStandbyWhoseContainersStoppedIsNoPlaceToFailBackTo() {
        List<Instance> i = new ArrayList<>(all(Instance.Health.CRITICAL, "g1", "g2"));
        i.addAll(all(Instance.Health.PASSING, "b1", "b2"));

        HealDecision d = HealPolicy.decide(observed(state(Color.GREEN, color("b1", "b2"), color("g1", "g2")), i, "b2"));

        assertEquals(HealDecision.Action.REDEPLOY, d.action());
    }

    /** Traffic first: fail back 4 > redeploy 3 > replace active replicas 2 > repair the standby 1 > nothing 0. */
    @Test
    public void theMoreTrafficIsAtStakeTheMoreUrgentTheDecision() {
        ServiceState greenOverBlue = state(Color.GREEN, color("b1", "b2"), color("g1", "g2"));
        List<Instance> greenDead = new ArrayList<>(all(Instance.Health.CRITICAL, "g1", "g2"));
        greenDead.addAll(all(Instance.Health.PASSING, "b1", "b2"));
        List<Instance> oneBlueDead = new ArrayList<>(all(Instance.Health.PASSING, "g1", "g2", "b2"));
        oneBlueDead.add(inst("b1", Instance.Health.CRITICAL));
        List<Instance> oneGreenDead = new ArrayList<>(all(Instance.Health.PASSING, "g2", "b1", "b2"));
        oneGreenDead.add(inst("g1", Instance.Health.CRITICAL));
        ServiceState greenAlone = state(Color.GREEN, null, color("g1", "g2"));

        record Case(HealDecision.Action action, ServiceState state, List<Instance> instances) {
        }
        List<Case> mostUrgentFirst = List.of(
                new Case(HealDecision.Action.FAIL_BACK, greenOverBlue, greenDead),
                new Case(HealDecision.Action.REDEPLOY, greenAlone, all(Instance.Health.CRITICAL, "g1", "g2")),
                new Case(HealDecision.Action.REPLACE, greenOverBlue, oneGreenDead),
                new Case(HealDecision.Action.REPLACE, greenOverBlue, oneBlueDead),
                new Case(HealDecision.Action.NONE, greenOverBlue, all(Instance.Health.PASSING, "g1", "g2", "b1", "b2")));
        int expected = 4;
        for (Case c : mostUrgentFirst) {
            HealDecision d = HealPolicy.decide(c.state(), c.instances());
            assertEquals(d.reason(), c.action(), d.action());
            assertEquals(d.reason(), expected--, HealPolicy.urgency(d, c.state()));
        }
    }

    /**
     * The policy and the rollback must agree on a standby: a fail-back the rollback then refuses leaves a dead active
     * color with nothing done (the heal records "failed" and skips the incident after), where a redeploy would help.
     */
    @Test
    public void aStandbyTheHealFailsBackToIsOneTheRollbackAccepts() {
        List<Instance> i = new ArrayList<>(all(Instance.Health.CRITICAL, "g1", "g2"));
        i.addAll(all(Instance.Health.WARNING, "b1", "b2"));
        Observed o = observed(state(Color.GREEN, color("b1", "b2"), color("g1", "g2")), i);

        HealDecision d = HealPolicy.decide(o);

        try {
            Planner.rollback(o, OperationKind.FAIL_BACK, "op");
        } catch (RefusedException e) {
            assertNotEquals("the policy fails back to a standby the rollback refuses: " + e.getMessage(),
                    HealDecision.Action.FAIL_BACK, d.action());
        }
    }
}
