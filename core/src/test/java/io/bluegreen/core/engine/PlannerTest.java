package io.bluegreen.core.engine;

import static io.bluegreen.core.engine.Color.BLUE;
import static io.bluegreen.core.engine.Color.GREEN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.cluster.Strategy;
import io.bluegreen.core.engine.Instance.Health;
import io.bluegreen.core.engine.fake.FakeRouter;
import io.bluegreen.core.spec.StopSpec;
import io.bluegreen.core.spec.TargetSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** The planner alone: observations built by hand, plans compared as values. Nothing here runs a transition. */
public class PlannerTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Recipe RECIPE = new Recipe(8080, "127.0.0.1", "/health", "1s", "1s", 1, "30s",
            new Recipe.Verification("100ms", null, null), List.of(), List.of("GREETING"), new Recipe.Stop("SIGQUIT", "3s"));
    private static final Release V2 = Release.of(Fixture.spec("v2", "30s"), "sha256:v2", FakeRouter.REF, null);
    private static final Map<String, String> ENV = Map.of("GREETING", "hello");

    // --- observations -------------------------------------------------------------------------------------------

    /** Replicas d-1..d-n of deploy {@code d} in {@code c}, on ports 2000n (blue) or 3000n (green). */
    private static ColorState color(Color c, String d, int n, Recipe recipe) {
        List<String> ids = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(id(c, d, i));
            endpoints.add(endpoint(c, i).toString());
        }
        return new ColorState("v-" + d, "registry.local:5000/vote:v-" + d, "sha256:" + d, d, n, ids, endpoints,
                NOW.toString(), null, recipe, null);
    }

    private static String id(Color c, String d, int i) {
        return "vote-" + c.label() + "-" + d + "-" + i;
    }

    private static Endpoint endpoint(Color c, int i) {
        return new Endpoint("127.0.0.1", (c == BLUE ? 20000 : 30000) + i);
    }

    private static ServiceState state(Color active, ColorState blue, ColorState green) {
        ServiceState s = ServiceState.empty("vote");
        s = blue == null ? s : s.with(BLUE, blue, NOW.toString());
        s = green == null ? s : s.with(GREEN, green, NOW.toString());
        return active == null ? s : s.withActive(active, FakeRouter.REF, Duration.ofMinutes(10), Duration.ZERO, NOW.toString());
    }

    /** Every replica the state names, running and passing, except as {@code health} and {@code stopped} say. */
    private static Observed observed(ServiceState s, boolean startsPart, Map<String, Health> health, List<String> stopped) {
        List<Replica> replicas = new ArrayList<>();
        List<Instance> instances = new ArrayList<>();
        for (Color c : Color.values()) {
            s.color(c).ifPresent(cs -> {
                for (int i = 0; i < cs.replicaIds().size(); i++) {
                    String id = cs.replicaIds().get(i);
                    Endpoint e = Endpoint.parse(cs.endpoints().get(i));
                    int index = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
                    replicas.add(new Replica(id, "c-" + id, "vote", c, cs.version(), cs.deployId(), cs.deployId(), index, e,
                            cs.image(), !stopped.contains(id)));
                    Health h = health.getOrDefault(id, Health.PASSING);
                    if (h != null) {
                        instances.add(new Instance(id, c, cs.version(), cs.deployId(), cs.deployId(), e, h, "", 1));
                    }
                }
            });
        }
        return new Observed("vote", new Versioned<>(s, 7), replicas, instances, startsPart);
    }

    private static Observed healthy(ServiceState s) {
        return observed(s, true, Map.of(), List.of());
    }

    /** Blue active with d1 (two replicas), green the warm standby with d2. */
    private static ServiceState blueOverGreen() {
        return state(BLUE, color(BLUE, "d1", 2, RECIPE), color(GREEN, "d2", 2, RECIPE));
    }

    // --- deploy --------------------------------------------------------------------------------------------------

    @Test
    public void aFirstDeployStartsTheWholeOfBlueAndFlipsToIt() {
        Transition t = Planner.deploy(healthy(ServiceState.empty("vote")), V2, OperationKind.DEPLOY, "op", NOW);

        assertEquals(BLUE, t.color());
        assertNull(t.previous());
        ReplicaPlan plan = t.start().replicas().orElseThrow();
        assertEquals(List.of(1, 2), plan.indexes());
        assertEquals("a deploy's replicas carry its own ID twice", "op", plan.deployId());
        assertEquals("op", plan.opId());
        assertEquals("the spec says no stop: Docker's", StopSpec.DOCKER_DEFAULT, plan.stop());
        assertTrue(t.route().moves());
        assertTrue(t.retire().any());
        assertTrue(t.commit().takesProduction());
        assertTrue(t.kept().isEmpty());
    }

    @Test
    public void aDeployGoesToTheIdleColorAndItsCommitKeepsTheActiveOneWarm() {
        ServiceState before = state(BLUE, color(BLUE, "d1", 2, RECIPE), null);
        Transition t = Planner.deploy(healthy(before), V2, OperationKind.DEPLOY, "op", NOW);

        assertEquals(GREEN, t.color());
        assertEquals(BLUE, t.previous());
        Replica r = new Replica("vote-green-op-1", "c", "vote", GREEN, "v2", "op", "op", 1, endpoint(GREEN, 1), "i", true);
        ServiceState after = t.commit().apply(before, t.color(), t.route().router(), t.kept(), List.of(r), NOW);
        assertEquals("green", after.active());
        assertEquals(List.of("vote-green-op-1"), after.color(GREEN).orElseThrow().replicaIds());
        assertEquals(NOW.plus(Duration.ofMinutes(10)).toString(), after.color(BLUE).orElseThrow().standbyUntil());
    }

    @Test
    public void aCommitWithoutKeepDropsTheColorItLeaves() {
        ServiceState before = state(BLUE, color(BLUE, "d1", 2, RECIPE), null);
        Transition t = Planner.deploy(healthy(before), V2, OperationKind.DEPLOY, "op", NOW);
        Transition.Commit noKeep = Transition.Commit.taking(t.commit().colorState(), Duration.ZERO, Duration.ZERO,
                TargetSpec.LOCAL);

        ServiceState after = noKeep.apply(before, GREEN, t.route().router(), List.of(), List.of(), NOW);

        assertFalse(after.color(BLUE).isPresent());
    }

    @Test
    public void aDeployDoesNotMoveAServiceToAnotherTarget() {
        TargetSpec swarm = new TargetSpec(TargetSpec.Type.SWARM, Strategy.SPREAD, List.of(), List.of(), 0, null,
                new TargetSpec.Swarm("tcp://manager:2376", null));
        ServiceState onSwarm = state(BLUE, color(BLUE, "d1", 2, RECIPE), null).withTarget(swarm);

        PhaseFailure e = assertThrows(PhaseFailure.class,
                () -> Planner.deploy(healthy(onSwarm), V2, OperationKind.DEPLOY, "op", NOW));
        assertTrue(e.getMessage(), e.getMessage().contains("does not move a service between targets"));
    }

    @Test
    public void theSameObservationGivesTheSamePlan() {
        Observed o = observed(blueOverGreen(), true, Map.of(id(BLUE, "d1", 1), Health.CRITICAL), List.of());
        assertEquals(Planner.deploy(o, V2, OperationKind.DEPLOY, "op", NOW), Planner.deploy(o, V2, OperationKind.DEPLOY, "op", NOW));
        assertEquals(Planner.rollback(o, OperationKind.ROLLBACK, "op"), Planner.rollback(o, OperationKind.ROLLBACK, "op"));
        List<String> failed = List.of(id(BLUE, "d1", 1));
        assertEquals(Planner.replace(o, BLUE, failed, ENV, "op"), Planner.replace(o, BLUE, failed, ENV, "op"));
    }

    // --- rollback ------------------------------------------------------------------------------------------------

    @Test
    public void aRollbackFlipsToTheStandbyAsItRunsWithoutStartingAnything() {
        ServiceState before = blueOverGreen();
        Transition t = Planner.rollback(healthy(before), OperationKind.ROLLBACK, "op");

        assertEquals(GREEN, t.color());
        assertEquals(BLUE, t.previous());
        assertFalse(t.start().replicas().isPresent());
        assertEquals(List.of(endpoint(GREEN, 1), endpoint(GREEN, 2)), t.keptEndpoints());
        assertTrue(t.route().moves());
        assertFalse("a rollback retires nothing: the color it leaves is the new standby", t.retire().any());
        assertTrue(t.verify().window().isZero());
        ServiceState after = t.commit().apply(before, t.color(), t.route().router(), t.kept(), List.of(), NOW);
        assertEquals("green", after.active());
        assertNull(after.color(GREEN).orElseThrow().standbyUntil());
        assertEquals(NOW.plus(Duration.ofMinutes(10)).toString(), after.color(BLUE).orElseThrow().standbyUntil());
        assertEquals(before.color(GREEN).orElseThrow().replicaIds(), after.color(GREEN).orElseThrow().replicaIds());
    }

    @Test
    public void aRollbackWithNothingDeployedOrNoStandbyIsRefused() {
        assertThrows(RefusedException.class,
                () -> Planner.rollback(healthy(ServiceState.empty("vote")), OperationKind.ROLLBACK, "op"));
        ServiceState noStandby = state(BLUE, color(BLUE, "d1", 2, RECIPE), null);
        RefusedException e = assertThrows(RefusedException.class,
                () -> Planner.rollback(healthy(noStandby), OperationKind.ROLLBACK, "op"));
        assertTrue(e.getMessage(), e.getMessage().contains("no warm standby"));
    }

    @Test
    public void aRollbackToAStandbyThatIsNotWhollyHealthyIsRefusedSayingWhy() {
        String g1 = id(GREEN, "d2", 1);
        assertRefused(observed(blueOverGreen(), true, Map.of(g1, Health.CRITICAL), List.of()), g1 + " is critical");
        assertRefused(observed(blueOverGreen(), true, Map.of(g1, Health.WARNING), List.of()), g1 + " is warning");
        assertRefused(observed(blueOverGreen(), true, Map.of(), List.of(g1)), g1 + " is not running");
        Map<String, Health> unregistered = new java.util.HashMap<>();
        unregistered.put(g1, null);
        assertRefused(observed(blueOverGreen(), true, unregistered, List.of()), "1 replica(s) no longer registered");
    }

    private static void assertRefused(Observed o, String says) {
        RefusedException e = assertThrows(RefusedException.class, () -> Planner.rollback(o, OperationKind.ROLLBACK, "op"));
        assertTrue(e.getMessage(), e.getMessage().contains(says));
    }

    // --- replace and renew ---------------------------------------------------------------------------------------

    @Test
    public void stillFailedKeepsOnlyNamedReplicasOfTheColorThatStillFail() {
        String b1 = id(BLUE, "d1", 1);
        String b2 = id(BLUE, "d1", 2);
        Observed o = observed(blueOverGreen(), true, Map.of(b2, Health.CRITICAL), List.of());

        assertEquals("b1 recovered, g1 is green's, x is named nowhere", List.of(b2),
                Planner.stillFailed(o, BLUE, List.of(b2, b1, id(GREEN, "d2", 1), "x")));
    }

    @Test
    public void nothingIsReplacedOnceTheFailedReplicasRecovered() {
        assertEquals(Optional.empty(), Planner.replace(healthy(blueOverGreen()), BLUE, List.of(id(BLUE, "d1", 1)), ENV, "op"));
    }

    @Test
    public void aReplacementAddsNumbersAfterTheDeploysHighestAndKeepsTheSurvivors() {
        // Blue was already healed once: d1-1 was replaced by d1-3. Now d1-3 crashes.
        ColorState healed = color(BLUE, "d1", 2, RECIPE).withReplicas(List.of(id(BLUE, "d1", 2), id(BLUE, "d1", 3)),
                List.of(endpoint(BLUE, 2).toString(), endpoint(BLUE, 3).toString()));
        ServiceState before = state(BLUE, healed, color(GREEN, "d2", 2, RECIPE));
        String failed = id(BLUE, "d1", 3);
        Observed o = observed(before, true, Map.of(failed, Health.CRITICAL), List.of(failed));

        Transition t = Planner.replace(o, BLUE, List.of(failed), ENV, "op").orElseThrow();

        assertEquals(OperationKind.REPLACE, t.kind());
        ReplicaPlan plan = t.start().replicas().orElseThrow();
        assertEquals(List.of(4), plan.indexes());
        assertEquals("the replacement joins deploy d1", "d1", plan.deployId());
        assertEquals("under its own operation ID, so its undo removes only it", "op", plan.opId());
        assertEquals(ENV, plan.env());
        assertEquals("stopped as the recipe says", new StopSpec(Optional.of("SIGQUIT"), Optional.of(Duration.ofSeconds(3))),
                plan.stop());
        assertEquals(List.of(new Transition.Kept(id(BLUE, "d1", 2), endpoint(BLUE, 2))), t.kept());
        assertTrue("blue is active: the router gets the survivor and the new one", t.route().moves());
        assertFalse(t.commit().takesProduction());
        assertTrue(t.retire().any());
        assertEquals(RECIPE.health(), t.start().gate());
    }

    @Test
    public void aReplacementNumbersAfterReplicasOnlyConsulStillNamesAsOnADeadNode() {
        // Blue d1 was healed once (d1-1 replaced by d1-4, which went to the node of d1-2). That node died: its engine
        // answers no more (neither is listed) while Consul still has both (critical through serfHealth). A new d1-4
        // would collide with the dead one's registration.
        String b2 = id(BLUE, "d1", 2);
        String b3 = id(BLUE, "d1", 3);
        String b4 = id(BLUE, "d1", 4);
        ColorState healed = color(BLUE, "d1", 3, RECIPE).withReplicas(List.of(b2, b3, b4),
                List.of(endpoint(BLUE, 2).toString(), endpoint(BLUE, 3).toString(), endpoint(BLUE, 4).toString()));
        ServiceState before = state(BLUE, healed, color(GREEN, "d2", 2, RECIPE));
        Observed seen = observed(before, true, Map.of(b2, Health.CRITICAL, b4, Health.CRITICAL), List.of());
        Observed o = new Observed("vote", seen.versionedState(), seen.replicas().stream()
                .filter(r -> !r.id().equals(b2) && !r.id().equals(b4)).toList(), seen.instances(), true);

        Transition t = Planner.replace(o, BLUE, List.of(b2, b4), ENV, "op").orElseThrow();

        assertEquals(List.of(5, 6), t.start().replicas().orElseThrow().indexes());
    }

    @Test
    public void aStandbyReplacementIsNotRouted() {
        String failed = id(GREEN, "d2", 1);
        Observed o = observed(blueOverGreen(), true, Map.of(failed, Health.CRITICAL), List.of());

        Transition t = Planner.replace(o, GREEN, List.of(failed), ENV, "op").orElseThrow();

        assertFalse(t.route().moves());
        assertEquals("production's router, to check what it serves", FakeRouter.REF, t.route().router());
        assertEquals(List.of(3), t.start().replicas().orElseThrow().indexes());
    }

    @Test
    public void whereTheClusterStartsNoSingleReplicaTheWholeColorIsRenewed() {
        String failed = id(BLUE, "d1", 1);
        Observed o = observed(blueOverGreen(), false, Map.of(failed, Health.CRITICAL), List.of());

        Transition t = Planner.replace(o, BLUE, List.of(failed), ENV, "op").orElseThrow();

        assertEquals(OperationKind.RENEW, t.kind());
        ReplicaPlan plan = t.start().replicas().orElseThrow();
        assertEquals(List.of(1, 2), plan.indexes());
        assertEquals("a new deploy of the same version", "op", plan.deployId());
        assertEquals("v-d1", plan.version());
        assertTrue("nothing survives a renewal", t.kept().isEmpty());
        assertEquals("op", t.commit().colorState().deployId());
    }

    @Test
    public void aReplacementNeedsTheColorAndItsRecipe() {
        String failed = id(BLUE, "d1", 1);
        ServiceState noRecipe = state(BLUE, color(BLUE, "d1", 2, null), null);
        Observed o = observed(noRecipe, true, Map.of(failed, Health.CRITICAL), List.of());
        assertThrows(PhaseFailure.class, () -> Planner.replace(o, BLUE, List.of(failed), ENV, "op"));
        assertThrows(PhaseFailure.class, () -> Planner.replace(o, GREEN, List.of(failed), ENV, "op"));
    }

    // --- release control -------------------------------------------------------------------------------------------

    private static final Release MANUAL = withControl(V2, new ReleaseControl(new io.bluegreen.core.spec.PromotionSpec("manual",
            "1h", null, List.of()), io.bluegreen.core.spec.HooksSpec.NONE, null, null, null, null));

    private static Release withControl(Release r, ReleaseControl c) {
        return new Release(r.service(), r.version(), r.image(), r.digest(), r.replicas(), r.containerPort(), r.hostAddress(),
                r.env(), r.health(), r.verify(), r.keep(), r.drain(), r.router(), r.target(), r.recipe(), c, FakeRouter.REF);
    }

    /** Blue active; green (d2) committed by a manual deploy, waiting in preview. */
    private static ServiceState blueWithGreenInPreview() {
        ServiceState before = state(BLUE, color(BLUE, "d1", 2, RECIPE), null);
        Transition t = Planner.deploy(healthy(before), MANUAL, OperationKind.DEPLOY, "d2", NOW);
        List<Replica> started = List.of(1, 2).stream().map(i -> new Replica(id(GREEN, "d2", i), "c", "vote", GREEN, "v2", "d2",
                "d2", i, endpoint(GREEN, i), "i", true)).toList();
        return t.commit().apply(before, t.color(), t.route().router(), t.kept(), started, NOW);
    }

    @Test
    public void aManualDeployStopsInPreviewWithoutTouchingProduction() {
        ServiceState before = state(BLUE, color(BLUE, "d1", 2, RECIPE), null);
        Transition t = Planner.deploy(healthy(before), MANUAL, OperationKind.DEPLOY, "d2", NOW);
        assertFalse("production is not routed", t.route().moves());
        assertTrue("the preview route is", t.control().previewRoute().action() == Transition.PreviewRoute.Action.ROUTE);
        assertFalse(t.commit().takesProduction());
        ServiceState after = blueWithGreenInPreview();
        assertEquals("blue", after.active());
        assertEquals("green", after.preview().color());
        assertEquals(NOW.plus(Duration.ofHours(1)).toString(), after.preview().until());
        assertEquals("blue stays active, with no standby deadline",
                null, after.color(BLUE).orElseThrow().standbyUntil());
    }

    @Test
    public void whileInPreviewDeployAndRollbackAreRefusedAndPromoteFlipsToIt() {
        ServiceState s = blueWithGreenInPreview();
        assertRefused(() -> Planner.deploy(healthy(s), V2, OperationKind.DEPLOY, "op", NOW), "is in preview");
        assertRefused(() -> Planner.rollback(healthy(s), OperationKind.ROLLBACK, "op"), "is in preview");
        Transition p = Planner.promote(healthy(s), "op", "");
        assertEquals(OperationKind.PROMOTE, p.kind());
        assertEquals(GREEN, p.color());
        assertTrue(p.route().moves());
        assertEquals(2, p.kept().size());
        ServiceState after = p.commit().apply(s, p.color(), p.route().router(), p.kept(), List.of(), NOW);
        assertEquals("green", after.active());
        assertNull(after.preview());
        assertEquals(NOW.plus(Duration.ofMinutes(10)).toString(), after.color(BLUE).orElseThrow().standbyUntil());
    }

    @Test
    public void abortDropsThePreviewColorAndLeavesProductionAlone() {
        ServiceState s = blueWithGreenInPreview();
        Transition a = Planner.abort(healthy(s), "op", "");
        assertFalse(a.route().moves());
        assertTrue(a.control().previewRoute().action() == Transition.PreviewRoute.Action.CLEAR);
        ServiceState after = a.commit().apply(s, a.color(), a.route().router(), a.kept(), List.of(), NOW);
        assertEquals("blue", after.active());
        assertNull(after.preview());
        assertTrue(after.color(GREEN).isEmpty());
        assertRefused(() -> Planner.abort(healthy(after), "op", ""), "nothing is in preview");
        assertRefused(() -> Planner.promote(healthy(after), "op", ""), "nothing is in preview");
    }

    @Test
    public void aPreviewThatIsNotFullyHealthyIsNotPromoted() {
        ServiceState s = blueWithGreenInPreview();
        assertRefused(() -> Planner.promote(observed(s, true, Map.of(id(GREEN, "d2", 1), Health.CRITICAL), List.of()), "op", ""),
                "refusing to promote it");
    }

    @Test
    public void aPromotionTakesThePreviewRouteAwayFromTheColorItPromotes() {
        Transition p = Planner.promote(healthy(blueWithGreenInPreview()), "op", "");
        assertEquals(Transition.PreviewRoute.Action.CLEAR, p.control().previewRoute().action());
    }

    @Test
    public void anAbortTellsTheReleasesOnFailureHooksItsCommandsOnlyFromASignedState() {
        io.bluegreen.core.spec.HookSpec webhook = new io.bluegreen.core.spec.HookSpec("http://127.0.0.1:9/hook", "POST", 200, 1,
                null, null, "10s");
        io.bluegreen.core.spec.HookSpec command = new io.bluegreen.core.spec.HookSpec(null, null, null, null, null, List.of("/srv/page"),
                "60s");
        Release notifying = withControl(V2, new ReleaseControl(new io.bluegreen.core.spec.PromotionSpec("manual", "1h", null,
                List.of()), new io.bluegreen.core.spec.HooksSpec(List.of(), List.of(), List.of(webhook, command)), null, null,
                null, null));
        ServiceState before = state(BLUE, color(BLUE, "d1", 2, RECIPE), null);
        Transition t = Planner.deploy(healthy(before), notifying, OperationKind.DEPLOY, "d2", NOW);
        List<Replica> started = List.of(1, 2).stream().map(i -> new Replica(id(GREEN, "d2", i), "c", "vote", GREEN, "v2", "d2",
                "d2", i, endpoint(GREEN, i), "i", true)).toList();
        ServiceState inPreview = t.commit().apply(before, t.color(), t.route().router(), t.kept(), started, NOW);
        assertEquals(List.of(webhook, command), Planner.abort(healthy(inPreview), "op", "").control().hooks().onFailure());
        Observed o = healthy(inPreview);
        Observed unsigned = new Observed(o.service(), o.versionedState(), o.replicas(), o.instances(), o.startsPartOfADeploy(),
                Signing.UNSIGNED);
        assertEquals(List.of(webhook), Planner.abort(unsigned, "op", "").control().hooks().onFailure());
    }

    @Test
    public void aFirstReleaseHasNoProductionToShareSoItsCanaryStepsAreSkipped() {
        List<io.bluegreen.core.spec.PromotionSpec.Step> steps = List.of(new io.bluegreen.core.spec.PromotionSpec.Step(25, "5s"));
        Release canary = withControl(V2, new ReleaseControl(new io.bluegreen.core.spec.PromotionSpec("auto", "1h", null, steps),
                io.bluegreen.core.spec.HooksSpec.NONE, null, null, null, null));
        assertEquals(List.of(), Planner.deploy(healthy(ServiceState.empty("vote")), canary, OperationKind.DEPLOY, "d1", NOW)
                .control().steps());
        assertEquals(steps, Planner.deploy(healthy(state(BLUE, color(BLUE, "d1", 2, RECIPE), null)), canary,
                OperationKind.DEPLOY, "d2", NOW).control().steps());
        Release manual = withControl(V2, new ReleaseControl(new io.bluegreen.core.spec.PromotionSpec("manual", "1h", null,
                steps), io.bluegreen.core.spec.HooksSpec.NONE, null, null, null, null));
        ServiceState empty = ServiceState.empty("vote");
        Transition first = Planner.deploy(healthy(empty), manual, OperationKind.DEPLOY, "d1", NOW);
        List<Replica> started = List.of(1, 2).stream().map(i -> new Replica(id(BLUE, "d1", i), "c", "vote", BLUE, "v2", "d1",
                "d1", i, endpoint(BLUE, i), "i", true)).toList();
        ServiceState inPreview = first.commit().apply(empty, first.color(), first.route().router(), first.kept(), started, NOW);
        assertEquals(List.of(), Planner.promote(healthy(inPreview), "op", "").control().steps());
    }

    private static void assertRefused(Runnable r, String words) {
        try {
            r.run();
            org.junit.Assert.fail("expected a refusal with '" + words + "'");
        } catch (RefusedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(words));
        }
    }
}
