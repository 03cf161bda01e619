package io.bluegreen.core.consul.format;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.FailureKind;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.Recipe;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.port.StoredDataException;
import io.bluegreen.core.proxy.Routers;
import io.bluegreen.core.spec.TargetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/**
 * The save format on its own, against the records the previous version wrote (fixtures recorded from it) and records
 * changed by hand as an attacker or a bad restore would: each refusal names the key, says what clears it, and is an
 * exit 4.
 */
public class SavedRecordsTest {
    private static final String STATE = "bluegreen/vote/state";
    private static final String JOURNAL = "bluegreen/canary/journal";
    private static final Optional<Secret> KEY = Optional.of(new Secret("0123456789abcdef0123456789abcdef"));
    private final List<String> notices = new ArrayList<>();

    private SavedRecords records(Optional<Secret> key) {
        return new SavedRecords(key, GenerationLedger.inMemory(), Routers.CHECK, "bluegreen test", notices::add);
    }

    private static String fixture(String name) {
        try (InputStream in = SavedRecordsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    private static StoredDataException refused(Runnable read) {
        StoredDataException e = assertThrows(StoredDataException.class, read::run);
        assertEquals(e.getMessage(), 4, FailureKind.of(e).exitCode());
        return e;
    }

    // --- format 1: what the previous version wrote ------------------------------------------------------------------

    @Test
    public void aStateOfThePreviousFormatLoadsWithEveryFieldAndIsRewrittenInTheNewOne() {
        SavedRecords r = records(Optional.empty());
        ServiceState s = r.readState(STATE, "vote", fixture("format1-state-nginx.json"));

        assertEquals("blue", s.active());
        assertEquals(new RouterRef("nginx", Map.of("upstreamFile", "/srv/stack/nginx/vote/upstreams/vote.conf",
                "configFile", "/srv/stack/nginx/vote/nginx.conf", "binary", "/usr/sbin/nginx")), s.router());
        assertEquals("/srv/stack/nginx/vote/upstreams/vote-preview.conf", s.preview().router().options().get("upstreamFile"));
        assertEquals("green", s.preview().color());
        assertEquals(TargetSpec.Type.ENGINES, s.target().type());
        assertEquals(64L * 1024 * 1024, s.target().memory());
        assertEquals(List.of("./smoke.sh", "--fast"), s.color(io.bluegreen.core.engine.Color.GREEN).orElseThrow().control()
                .hooks().postPromotion().get(0).run());
        assertEquals("manual", s.color(io.bluegreen.core.engine.Color.GREEN).orElseThrow().control().promotion().mode());
        assertTrue(s.color(io.bluegreen.core.engine.Color.GREEN).orElseThrow().control().analysisSpec().isPresent());
        // The previous format lost HTTP hooks' URLs: such a hook cannot run, so it is dropped, and that is said.
        assertEquals(List.of(), s.color(io.bluegreen.core.engine.Color.GREEN).orElseThrow().control().hooks().prePromotion());
        assertTrue(notices.toString(), notices.stream().anyMatch(n -> n.startsWith("bluegreen: " + STATE
                + ": colors.green.control.hooks.prePromotion[0]: an HTTP hook whose URL the previous format lost")));

        String rewritten = r.writeState(STATE, "vote", s).text();
        assertTrue(rewritten, rewritten.startsWith("{\"format\":2,\"written_by\":\"bluegreen test\",\"generation\":1,\"body\":{"));
        assertEquals("the new format reads back to the same state", s, records(Optional.empty()).readState(STATE, "vote", rewritten));
    }

    @Test
    public void anHaproxyStateOfThePreviousFormatKeepsItsRouterOptions() {
        ServiceState s = records(Optional.empty()).readState("bluegreen/canary/state", "canary", fixture("format1-state-haproxy.json"));
        assertEquals(new RouterRef("haproxy", Map.of("socket", "/srv/stack/haproxy/canary/admin.sock", "backend", "canary",
                "backendFile", "/srv/stack/haproxy/canary/backends.cfg", "serverMaxconn", "8")), s.router());
    }

    @Test
    public void aJournalAndAHistoryRecordOfThePreviousFormatLoad() {
        SavedRecords r = records(Optional.empty());
        Journal j = r.readJournal(JOURNAL, "canary", fixture("format1-journal-haproxy.json"), null);
        assertEquals("127.0.0.1:33000", j.routerSnapshot());
        assertEquals("green", j.committing().active() == null ? "green" : j.target());
        HistoryRecord h = r.readHistory("bluegreen/vote/history/20261201-101000-0c2d", "vote", "20261201-101000-0c2d",
                fixture("format1-history.json"));
        assertEquals("in-preview", h.outcome());
        assertEquals(Long.valueOf(12), h.flip().longestGapMs());
    }

    @Test
    public void aJournalWithoutItsRouterSnapshotIsRefusedNotReadAsNothingRouted() {
        StoredDataException e = refused(() -> records(Optional.empty()).readJournal(JOURNAL, "canary",
                fixture("format1-journal-first.json"), null));
        assertTrue(e.getMessage(), e.getMessage().startsWith(JOURNAL + " cannot be used: routerSnapshot: is required"));
        assertTrue(e.getMessage(), e.getMessage().contains("`consul kv delete " + JOURNAL + "`"));
    }

    @Test
    public void withAKeyARecordOfThePreviousFormatIsRefusedAsUnsigned() {
        StoredDataException e = refused(() -> records(KEY).readState(STATE, "vote", fixture("format1-state-nginx.json")));
        assertTrue(e.getMessage(), e.getMessage().startsWith(STATE + " is not signed"));
        assertTrue(e.getMessage(), e.getMessage().contains("`bin/bluegreen state trust -s vote`"));
    }

    @Test
    public void aFormatNewerThanThisVersionReadsIsRefusedNamingIt() {
        String newer = "{\"format\":3,\"written_by\":\"bluegreen 9.0\",\"generation\":4,\"body\":{\"shape\":\"unknown\"}}";
        StoredDataException e = refused(() -> records(Optional.empty()).readState(STATE, "vote", newer));
        assertTrue(e.getMessage(), e.getMessage().contains("is in format 3 (written by bluegreen 9.0); this bluegreen reads"
                + " formats 1 to 2"));
    }

    // --- signed ---------------------------------------------------------------------------------------------------

    @Test
    public void aSignedStateReadsBackAndAnyChangeToItIsRefused() {
        SavedRecords r = records(KEY);
        ServiceState s = records(Optional.empty()).readState(STATE, "vote", fixture("format1-state-nginx.json"));
        String signed = r.writeState(STATE, "vote", s).text();
        assertEquals(s, records(KEY).readState(STATE, "vote", signed));
        assertTrue(signed.contains("\"mac\":\"hmac-sha256:"));

        String movedReplica = signed.replace("127.0.0.1:32770", "127.0.0.1:32779");
        assertNotEquals(signed, movedReplica);
        assertTrue(refused(() -> records(KEY).readState(STATE, "vote", movedReplica)).getMessage()
                .startsWith(STATE + " does not verify with this BLUEGREEN_STATE_KEY"));
        String otherBinary = signed.replace("\"binary\":\"/usr/sbin/nginx\"", "\"binary\":\"/tmp/evil\"");
        assertNotEquals(signed, otherBinary);
        refused(() -> records(KEY).readState(STATE, "vote", otherBinary));
        String unsigned = signed.substring(0, signed.indexOf(",\"mac\"")) + "}";
        assertTrue(refused(() -> records(KEY).readState(STATE, "vote", unsigned)).getMessage().startsWith(STATE + " is not signed"));
        refused(() -> records(Optional.of(new Secret("another key of at least thirty-two chars"))).readState(STATE, "vote", signed));
    }

    @Test
    public void aSignedRecordCannotBeMovedToAnotherKey() {
        SavedRecords r = records(KEY);
        ServiceState s = records(Optional.empty()).readState(STATE, "vote", fixture("format1-state-nginx.json"));
        String signed = r.writeState(STATE, "vote", s).text();
        StoredDataException e = refused(() -> records(KEY).readState("bluegreen/vote2/state", "vote2", signed));
        assertTrue(e.getMessage(), e.getMessage().startsWith("bluegreen/vote2/state does not verify"));
    }

    @Test
    public void anOlderGenerationThanOneSeenIsRefusedAsAReplay() {
        SavedRecords r = records(KEY);
        ServiceState s = records(Optional.empty()).readState(STATE, "vote", fixture("format1-state-nginx.json"));
        SavedRecords.Prepared first = r.writeState(STATE, "vote", s);
        r.stored("vote", first);
        SavedRecords.Prepared second = r.writeState(STATE, "vote", s.withPreview(null));
        r.stored("vote", second);
        assertEquals(2, second.generation());

        StoredDataException e = refused(() -> r.readState(STATE, "vote", first.text()));
        assertTrue(e.getMessage(), e.getMessage().startsWith(STATE + " is generation 1, older than generation 2 this machine"
                + " already saw"));
        assertEquals("a machine that saw only the first takes it", s, records(KEY).readState(STATE, "vote", first.text()));
    }

    @Test
    public void aJournalFromBeforeTheStateMovedOnIsRefusedAsAReplay() {
        SavedRecords r = records(KEY);
        Journal j = records(Optional.empty()).readJournal(JOURNAL, "canary", fixture("format1-journal-haproxy.json"), null);
        String journal = r.writeJournal(JOURNAL, "canary", j);
        ServiceState s = j.previous();
        for (int i = 0; i < 3; i++) {
            r.stored("canary", r.writeState("bluegreen/canary/state", "canary", s));
        }
        StoredDataException e = refused(() -> r.readJournal(JOURNAL, "canary", journal, null));
        assertTrue(e.getMessage(), e.getMessage().contains("an old journal written back"));
    }

    // --- corrupt or hostile content ---------------------------------------------------------------------------------

    @Test
    public void textThatIsNoRecordIsRefusedWithTheCommandThatClearsIt() {
        StoredDataException e = refused(() -> records(Optional.empty()).readState(STATE, "vote", "{\"service\": \"vote\", "));
        assertTrue(e.getMessage(), e.getMessage().startsWith(STATE + " is not valid JSON"));
        assertTrue(e.getMessage(), e.getMessage().contains("`consul kv delete " + STATE + "`"));
        refused(() -> records(Optional.empty()).readState(STATE, "vote", "garbage"));
        refused(() -> records(Optional.empty()).readState(STATE, "vote", "[1, 2]"));
    }

    @Test
    public void aRecipeKeepsItsVerifyProbeAndARecipeWithoutOneReadsAsTheWindowAlone() {
        SavedRecords r = records(Optional.empty());
        HistoryRecord old = r.readHistory("bluegreen/vote/history/20261201-101000-0c2d", "vote", "20261201-101000-0c2d",
                fixture("format1-history.json"));
        assertEquals(new Recipe.Verification("3s", null, null), old.recipe().verify());
        String withProbe = fixture("format1-history.json").replace("\"verifyWindow\":\"3s\"",
                "\"verifyWindow\":\"3s\",\"verifyUrl\":\"http://127.0.0.1:18080/\",\"verifyMaxFlipFailures\":2");
        HistoryRecord h = r.readHistory("bluegreen/vote/history/20261201-101000-0c2d", "vote", "20261201-101000-0c2d", withProbe);
        assertEquals(new Recipe.Verification("3s", "http://127.0.0.1:18080/", 2), h.recipe().verify());
        String bad = withProbe.replace("http://127.0.0.1:18080/", "file:///etc/passwd");
        String m = refused(() -> r.readHistory("bluegreen/vote/history/20261201-101000-0c2d", "vote", "20261201-101000-0c2d",
                bad)).getMessage();
        assertTrue(m, m.contains("recipe.verifyUrl: 'file:///etc/passwd' is not an http(s) URL"));
    }

    /** Who acted; a record from before it was kept names nobody, and what is read back is one line. */
    @Test
    public void aHistoryRecordKeepsItsActor() {
        SavedRecords r = records(Optional.empty());
        String key = "bluegreen/vote/history/20261201-101000-0c2d";
        String id = "20261201-101000-0c2d";
        assertEquals(null, r.readHistory(key, "vote", id, fixture("format1-history.json")).actor());
        String json = fixture("format1-history.json").replaceFirst("\\{", "{\"actor\":\"heal worker in alice@build-7\",");
        HistoryRecord h = r.readHistory(key, "vote", id, json);
        assertEquals("heal worker in alice@build-7", h.actor());
        assertEquals(h, r.readHistory(key, "vote", id, r.writeHistory(key, "vote", h)));
        String forged = fixture("format1-history.json").replaceFirst("\\{", "{\"actor\":\"x\\\\u001b[31m\",");
        assertTrue(refused(() -> r.readHistory(key, "vote", id, forged)).getMessage().contains("actor: is not 1 to 200 characters"));
    }

    /** Names only, never values; absent (an older recipe) is "not recorded", an empty list "none". */
    @Test
    public void aRecipeKeepsItsEnvironmentsNamesAndTellsNoneFromNotRecorded() {
        SavedRecords r = records(Optional.empty());
        String key = "bluegreen/vote/history/20261201-101000-0c2d";
        String id = "20261201-101000-0c2d";
        assertEquals(null, r.readHistory(key, "vote", id, fixture("format1-history.json")).recipe().environment());
        for (String names : new String[] {"[]", "[\"DATABASE_URL\",\"GREETING\"]"}) {
            String json = fixture("format1-history.json").replace("\"verifyWindow\":\"3s\"",
                    "\"verifyWindow\":\"3s\",\"environment\":" + names);
            List<String> read = r.readHistory(key, "vote", id, json).recipe().environment();
            assertEquals(names, names.equals("[]") ? List.of() : List.of("DATABASE_URL", "GREETING"), read);
            Map<String, Object> written = StateFormat.recipe(r.readHistory(key, "vote", id, json).recipe());
            assertEquals(read, written.get("environment"));
        }
        String stop = fixture("format1-history.json").replace("\"verifyWindow\":\"3s\"",
                "\"verifyWindow\":\"3s\",\"stopSignal\":\"SIGQUIT\",\"stopTimeout\":\"3s\"");
        Recipe withStop = r.readHistory(key, "vote", id, stop).recipe();
        assertEquals(new Recipe.Stop("SIGQUIT", "3s"), withStop.stop());
        assertEquals("SIGQUIT", StateFormat.recipe(withStop).get("stopSignal"));
        assertEquals("an older recipe stops as Docker does", new Recipe.Stop(null, null), r.readHistory(key, "vote", id,
                fixture("format1-history.json")).recipe().stop());
        String badStop = stop.replace("SIGQUIT", "SIGQUIT; reboot");
        assertTrue(refused(() -> r.readHistory(key, "vote", id, badStop)).getMessage().contains("recipe.stopSignal"));
        String longStop = stop.replace("\"stopTimeout\":\"3s\"", "\"stopTimeout\":\"99h\"");
        assertTrue(refused(() -> r.readHistory(key, "vote", id, longStop)).getMessage().contains("recipe.stopTimeout: must be from 0s to 10m"));
        String bad = fixture("format1-history.json").replace("\"verifyWindow\":\"3s\"",
                "\"verifyWindow\":\"3s\",\"environment\":[\"A=secret\"]");
        String m = refused(() -> r.readHistory(key, "vote", id, bad)).getMessage();
        assertTrue(m, m.contains("recipe.environment: 'A=secret' is not an environment variable name"));
    }

    /** The fixture's state in this format, with {@code hook} the first pre-promotion hook of its green release. */
    private String withPrePromotionHook(String hook) {
        String state = records(Optional.empty()).writeState(STATE, "vote", records(Optional.empty()).readState(STATE, "vote",
                fixture("format1-state-nginx.json"))).text();
        assertTrue(state, state.contains("\"hooks\":{\"postPromotion\""));
        return state.replace("\"hooks\":{\"postPromotion\"", "\"hooks\":{\"prePromotion\":[" + hook + "],\"postPromotion\"");
    }

    @Test
    public void aHooksHeadersAndPlaceholdersAreSavedAsWrittenAndAHookWithoutHeadersHasNone() {
        String hook = "{\"http\":\"https://hooks.example/services/T0/B0/{env:SLACK_KEY}?channel=ops\",\"method\":\"POST\","
                + "\"expect\":200,\"times\":1,\"headers\":{\"Authorization\":\"Bearer {file:/run/secrets/hook}\","
                + "\"X-Team\":\"ops\"},\"timeout\":\"10s\"}";
        SavedRecords r = records(Optional.empty());
        ServiceState s = r.readState(STATE, "vote", withPrePromotionHook(hook));
        io.bluegreen.core.spec.HooksSpec hooks = s.color(io.bluegreen.core.engine.Color.GREEN).orElseThrow().control().hooks();
        assertEquals(Map.of("Authorization", "Bearer {file:/run/secrets/hook}", "X-Team", "ops"),
                hooks.prePromotion().get(0).headers());
        assertEquals("https://hooks.example/services/T0/B0/{env:SLACK_KEY}?channel=ops", hooks.prePromotion().get(0).http());
        assertEquals("a hook saved without headers has none", Map.of(), hooks.postPromotion().get(0).headers());

        String written = r.writeState(STATE, "vote", s).text();
        assertTrue("the templates are what is saved: " + written, written.contains(hook));
        assertEquals(s, records(Optional.empty()).readState(STATE, "vote", written));
    }

    @Test
    public void aHooksHeadersReadBackAreCheckedAsTheSpecChecksThem() {
        String http = "{\"http\":\"https://hooks.example/h\",\"method\":\"POST\",\"expect\":200,\"times\":1,"
                + "\"timeout\":\"10s\",\"headers\":";
        String field = "colors.green.control.hooks.prePromotion[0].headers";
        for (String[] bad : List.of(
                new String[] {"{\"Bad Name\":\"x\"}", field + ": name 'Bad Name' is not a header name"},
                new String[] {"{\"Host\":\"evil.example\"}", field + ".Host: is the HTTP client's to set"},
                new String[] {"{\"Authorization\":\"Bearer abc123\"}", field + ".Authorization: holds a secret written out"},
                new String[] {"{\"X-Key\":\"{file:secrets/key}\"}", field + ".X-Key: {file:secrets/key} is not an absolute path"},
                new String[] {"{\"X-A\":\"a\\r\\nX-Injected: 1\"}", field + ".X-A: must not hold a line break"})) {
            String m = refused(() -> records(Optional.empty()).readState(STATE, "vote", withPrePromotionHook(http + bad[0] + "}")))
                    .getMessage();
            assertTrue(bad[1] + " in " + m, m.contains(bad[1]));
            assertFalse("the value is not shown: " + m, m.contains("abc123"));
        }
        // Saved before the spec refused a token in the query: still read, or the service could not be rolled back.
        String old = "{\"http\":\"https://hooks.example/h?token=abc123\",\"method\":\"POST\",\"expect\":200,\"times\":1,"
                + "\"timeout\":\"10s\"}";
        assertEquals("https://hooks.example/h?token=abc123", records(Optional.empty()).readState(STATE, "vote",
                withPrePromotionHook(old)).color(io.bluegreen.core.engine.Color.GREEN).orElseThrow().control().hooks()
                .prePromotion().get(0).http());
    }

    @Test
    public void everyFieldIsCheckedAndEachProblemNamed() {
        String bad = fixture("format1-state-nginx.json").replace("\"replicas\":2", "\"replicas\":\"2\"")
                .replace("vote-blue-20261201-100000-0a1b-2", "other-blue-20261201-100000-0a1b-2")
                .replace("\"/srv/stack/nginx/vote/upstreams/vote.conf\"", "\"upstreams/vote.conf\"")
                .replace("\"active\":\"blue\"", "\"active\":\"purple\"");
        String m = refused(() -> records(Optional.empty()).readState(STATE, "vote", bad)).getMessage();
        for (String named : List.of("active: 'purple'", "colors.blue.replicas:", "colors.blue.replicaIds: 'other-blue",
                "router.nginx.upstreamFile: 'upstreams/vote.conf' is not an absolute")) {
            assertTrue(named + " in " + m, m.contains(named));
        }
    }

    @Test
    public void anUnsignedStateMayNameOnlyTheDefaultNginx() {
        String other = fixture("format1-state-haproxy.json").replace("\"type\":\"haproxy\",\"socket\":\"/srv/stack/haproxy/canary/admin.sock\","
                + "\"backend\":\"canary\",\"backendFile\":\"/srv/stack/haproxy/canary/backends.cfg\",\"serverMaxconn\":8",
                "\"type\":\"nginx\",\"upstreamFile\":\"/srv/u.conf\",\"configFile\":\"/srv/n.conf\",\"binary\":\"/tmp/evil\"");
        assertNotEquals(fixture("format1-state-haproxy.json"), other);
        String m = refused(() -> records(Optional.empty()).readState("bluegreen/canary/state", "canary", other)).getMessage();
        assertTrue(m, m.contains("router.nginx.binary: '/tmp/evil' is run only from a signed state"));
        ServiceState signedOk = records(KEY).readState("bluegreen/canary/state", "canary",
                records(KEY).trustState("bluegreen/canary/state", "canary", other).prepared().text());
        assertEquals("/tmp/evil", signedOk.router().options().get("binary"));
    }

    @Test
    public void aSnapshotARepairWouldWriteBackMustBeOnlyUpstreamLines() {
        Journal j = records(Optional.empty()).readJournal(JOURNAL, "canary", fixture("format1-journal-haproxy.json"), null);
        RouterRef nginx = new RouterRef("nginx", Map.of("upstreamFile", "/srv/u.conf", "configFile", "/srv/n.conf", "binary", "nginx"));
        String good = "# Written by bluegreen: x. Do not edit.\nupstream canary {\n    server 127.0.0.1:33000 max_fails=0;\n"
                + "    keepalive 32;\n}\n";
        Journal ok = new Journal(j.opId(), j.kind(), j.phase(), j.target(), j.version(), j.previous(), nginx, good, j.startedAt());
        SavedRecords r = records(KEY);
        assertEquals(good, r.readJournal(JOURNAL, "canary", r.writeJournal(JOURNAL, "canary", ok), null).routerSnapshot());

        Journal hostile = new Journal(j.opId(), j.kind(), j.phase(), j.target(), j.version(), j.previous(), nginx,
                good.replace("keepalive 32;", "include /etc/nginx/evil.conf;"), j.startedAt());
        String m = refused(() -> r.readJournal(JOURNAL, "canary", r.writeJournal(JOURNAL, "canary", hostile), null)).getMessage();
        assertTrue(m, m.contains("routerSnapshot: line 'include /etc/nginx/evil.conf;' is not an upstream block line"));
        Journal badHaproxy = new Journal(j.opId(), j.kind(), j.phase(), j.target(), j.version(), j.previous(), j.router(),
                "127.0.0.1:33000\nset server x", j.startedAt());
        refused(() -> r.readJournal(JOURNAL, "canary", r.writeJournal(JOURNAL, "canary", badHaproxy), null));
    }

    @Test
    public void withoutAKeyRecordsAreWrittenUnsignedAndThatIsSaidOnce() {
        SavedRecords r = records(Optional.empty());
        assertEquals(Signing.UNSIGNED, r.signing());
        ServiceState s = r.readState(STATE, "vote", fixture("format1-state-nginx.json"));
        String text = r.writeState(STATE, "vote", s).text();
        r.readState(STATE, "vote", text);
        assertFalse(text.contains("\"mac\""));
        assertEquals(notices.toString(), 1, notices.stream().filter(n -> n.contains("not signed (no BLUEGREEN_STATE_KEY)")).count());
    }
}
