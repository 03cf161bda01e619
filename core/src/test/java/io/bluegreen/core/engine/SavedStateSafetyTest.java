package io.bluegreen.core.engine;

import static io.bluegreen.core.engine.Color.BLUE;
import static io.bluegreen.core.engine.Color.GREEN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.fake.World.Snapshot;
import io.bluegreen.core.engine.port.StoredDataException;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * What is read back from the store is not believed over what serves traffic: a state written back from before a
 * promotion, a corrupt journal, an unsigned state naming a command. Each refusal is an exit 4 and changes nothing.
 */
public class SavedStateSafetyTest {
    private static final Map<String, Object> MANUAL = Map.of("promotion", Map.of("mode", "manual"));

    private static Fixture inPreview(Map<String, Object> extra) {
        Fixture f = new Fixture(true, "30s");
        f.deploy("v1");
        new Deployer(f.world.systems(), f.events::add).deploy(Fixture.spec("v2", "30s", extra));
        assertEquals(f.log(), GREEN, f.state().inPreview().orElseThrow().previewColor());
        return f;
    }

    private static DeployResult promote(Fixture f) {
        return new Promotion(f.world.systems(), f.events::add).promote(Fixture.SERVICE, Fixture.LOCK_WAIT);
    }

    private static DeployResult abort(Fixture f) {
        return new Promotion(f.world.systems(), f.events::add).abort(Fixture.SERVICE, Fixture.LOCK_WAIT);
    }

    /**
     * The issue's own case: the state saved while v2 waited in preview is written back after v2 was promoted (a
     * replay, a restored backup). This machine saw the newer state, so it refuses the older one; a machine that did
     * not (or a person who trusted it again) still removes nothing: production is on green, and an abort of green
     * would retire it.
     */
    @Test
    public void anAbortOnAStateWrittenBackFromBeforeThePromotionRemovesNothing() {
        Fixture f = inPreview(MANUAL);
        String saved = f.world.store.rawState(Fixture.SERVICE);
        promote(f);
        List<String> serving = f.world.router.routed();
        assertEquals(f.log(), f.color(GREEN).endpoints(), serving);
        Snapshot before = f.world.snapshot();
        f.world.store.putRawState(Fixture.SERVICE, saved);

        StoredDataException replay = assertThrows(StoredDataException.class, () -> abort(f));
        assertEquals(4, FailureKind.of(replay).exitCode());
        assertTrue(replay.getMessage(), replay.getMessage().contains("older than generation"));

        f.world.store.forgetGenerations();
        UntrustedStateException stale = assertThrows(UntrustedStateException.class, () -> abort(f));
        assertEquals(4, FailureKind.of(stale).exitCode());
        assertTrue(stale.getMessage(), stale.getMessage().contains("is in preview in the state, but the fake router sends it"
                + " production traffic"));
        Snapshot after = f.world.snapshot();
        assertEquals("production keeps its replicas", serving, after.routed());
        assertEquals("nothing was removed", before.containers(), after.containers());
        assertEquals("nothing was deregistered", before.registrations(), after.registrations());
        assertFalse(after.journal());
    }

    /**
     * The last look, right before removal: a repair finishing a committed operation retires what the state no longer
     * names, but not a replica production is routed to (here by hand, after the state dropped blue).
     */
    @Test
    public void aRetireKeepsWhatTheRouterStillSendsTrafficTo() {
        Fixture f = new Fixture(true, "30s");
        f.deploy("v1");
        f.deploy("v2");
        List<String> blue = f.color(BLUE).replicaIds();
        List<Endpoint> blueEndpoints = f.color(BLUE).endpoints().stream().map(Endpoint::parse).toList();
        ServiceState before = f.state();
        assertTrue(f.world.store.writeState(Fixture.SERVICE, before.with(BLUE, null, "2030-01-02T00:00:00Z"),
                f.world.store.readState(Fixture.SERVICE).index()));
        f.world.store.writeJournal(Fixture.SERVICE, new Journal("20300102-000000-0001", "deploy", "retire", "green", "v2",
                before, f.world.router.ref(), null, "2030-01-02T00:00:00Z"));
        f.world.router.route(Fixture.SERVICE, blueEndpoints, "by hand");

        UntrustedStateException e = assertThrows(UntrustedStateException.class, f::repair);

        assertTrue(e.getMessage(), e.getMessage().contains("is not named in the state, but the fake router sends it"
                + " production traffic"));
        Snapshot after = f.world.snapshot();
        blue.forEach(id -> assertTrue(id + " still serves, so it stays", after.containers().containsKey(id)));
        blue.forEach(id -> assertTrue(id + " stays registered", after.registrations().containsKey(id)));
    }

    /**
     * A proxy restarted with an older route serves the standby while the state says green is active: status says so,
     * and the next operation says so before it runs (a deploy's flip then routes production again).
     */
    @Test
    public void aProxyServingAnOlderRouteIsSaidByStatusAndByTheNextOperation() {
        Fixture f = new Fixture(true, "30s");
        f.deploy("v1");
        f.deploy("v2");
        assertEquals(null, new StatusReader(f.world.systems()).read(Fixture.SERVICE).trafficDisagrees());
        List<Endpoint> blue = f.color(BLUE).endpoints().stream().map(Endpoint::parse).toList();
        f.world.router.route(Fixture.SERVICE, blue, "an older route, loaded at a restart");

        String said = new StatusReader(f.world.systems()).read(Fixture.SERVICE).trafficDisagrees();
        assertTrue(said, said != null && said.contains("not the active color green's") && blue.stream()
                .allMatch(e -> said.contains(e.toString())));
        f.deploy("v3");
        assertTrue(f.log(), f.events.stream().anyMatch(e -> e.message() != null && e.message().contains(
                "not the active color green's") && e.message().endsWith("this deploy routes it again")));
        assertEquals(f.color(BLUE).endpoints(), f.world.router.routed());
        assertEquals(null, new StatusReader(f.world.systems()).read(Fixture.SERVICE).trafficDisagrees());
    }

    @Test
    public void aRollbackToTheStandbyGoesOnWhenOnlyTheJournalIsCorrupt() {
        Fixture f = new Fixture(true, "30s");
        f.deploy("v1");
        f.deploy("v2");
        f.world.store.putRawJournal(Fixture.SERVICE, "{\"opId\": garbage");

        DeployResult back = f.rollback(Cancellation.NEVER);

        assertEquals(f.log(), "blue", back.color());
        assertEquals(f.color(BLUE).endpoints(), f.world.router.routed());
        assertFalse("its own journal replaced the unreadable one, and was closed", f.world.store.hasJournal(Fixture.SERVICE));
        assertTrue(f.log(), f.events.stream().anyMatch(e -> e.message().contains("bluegreen/vote/journal is not valid JSON")));
    }

    @Test
    public void anyOtherOperationActsOnNoCorruptJournal() {
        Fixture f = new Fixture(true, "30s");
        f.deploy("v1");
        f.world.store.putRawJournal(Fixture.SERVICE, "{\"opId\": garbage");
        Snapshot before = f.world.snapshot();

        StoredDataException e = assertThrows(StoredDataException.class, () -> f.deploy("v2"));

        assertEquals(4, FailureKind.of(e).exitCode());
        assertTrue(e.getMessage(), e.getMessage().contains("`consul kv delete bluegreen/vote/journal`"));
        assertEquals(before, f.world.snapshot());
        f.assertLockFree();
    }

    @Test
    public void anUnsignedStateRunsNoCommandItNames() {
        Fixture f = new Fixture(true, "30s");
        f.world.store.unsigned();
        f.deploy("v1");
        Map<String, Object> withHook = Map.of("promotion", Map.of("mode", "manual"),
                "hooks", Map.of("postPromotion", List.of(Map.of("run", List.of("touch", "/tmp/owned")))));
        new Deployer(f.world.systems(), f.events::add).deploy(Fixture.spec("v2", "30s", withHook));
        Snapshot before = f.world.snapshot();

        UntrustedStateException e = assertThrows(UntrustedStateException.class, () -> promote(f));

        assertEquals(4, FailureKind.of(e).exitCode());
        assertTrue(e.getMessage(), e.getMessage().contains("run touch (+1 argument(s))"));
        assertEquals("no hook ran", List.of(), f.world.hooks().runs());
        assertEquals(before, f.world.snapshot());
    }

    @Test
    public void aSignedStateRunsTheCommandsItsReleaseNamed() {
        Fixture f = new Fixture(true, "30s");
        f.deploy("v1");
        Map<String, Object> withHook = Map.of("promotion", Map.of("mode", "manual"),
                "hooks", Map.of("postPromotion", List.of(Map.of("run", List.of("./smoke.sh")),
                        Map.of("http", "http://127.0.0.1:9/smoke"))));
        new Deployer(f.world.systems(), f.events::add).deploy(Fixture.spec("v2", "30s", withHook));

        promote(f);

        assertEquals("both hooks, the HTTP one with its URL read back, the command from the spec's folder",
                List.of(java.nio.file.Path.of("smoke.sh").toAbsolutePath() + " green ",
                "http://127.0.0.1:9/smoke green "), f.world.hooks().runs());
    }
}
