package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The Consul watch endpoint over real HTTP, as Consul calls it: no login, no crumb (CSRF protection is on in
 * JenkinsRule, so a 403 here would mean the exclusion failed). Consul is not needed: the heal workers start without
 * asking it anything, and every request here is refused before its index is looked at.
 */
@WithJenkins
class HealEndpointTest {
    private static final String SECRET = "0123456789abcdef-watched";
    private static final String CHECKS = """
            [{"Node":"n","CheckID":"service:%1$s-blue-1","Status":"critical","ServiceID":"%1$s-blue-1","ServiceName":"%1$s"}]""";

    /** Names no other test or deploy uses, so the workers' own reconciling finds nothing to heal. */
    private final String watched = "it-" + UUID.randomUUID().toString().substring(0, 8);

    private final String weak = watched + "-weak";
    private final HttpClient http = HttpClient.newHttpClient();
    private JenkinsRule j;

    @BeforeEach
    void watch(JenkinsRule j) throws Exception {
        this.j = j;
        secret("watched-secret", SECRET);
        secret("weak-secret", "too-short");
        BlueGreenConfiguration.get()
                .setWatchedServices(List.of(
                        new WatchedService(watched, "watched-secret", "heal-job"),
                        new WatchedService(weak, "weak-secret", "heal-job")));
        WorkerStates.awaitStarted(watched);
    }

    private static void secret(String id, String value) throws Exception {
        SystemCredentialsProvider.getInstance()
                .getCredentials()
                .add(new StringCredentialsImpl(
                        CredentialsScope.GLOBAL, id, "a Consul watch's secret", Secret.fromString(value)));
        SystemCredentialsProvider.getInstance().save();
    }

    private HttpResponse<String> post(String service, String token, String body, String index) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(j.getURL() + HealEndpoint.URL_NAME + "/" + service))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("X-Bluegreen-Token", token);
        }
        if (index != null) {
            r.header("X-Consul-Index", index);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Started with the configuration, before any POST: the worker reconciles on its own from then on. */
    @Test
    void theWorkersStartWithTheConfigurationNotWithTheFirstPost() throws Exception {
        assertEquals(Messages.HealWorkers_Watching(), HealWorkers.get().state(watched));
        assertEquals(
                200,
                j.createWebClient().goTo("manage/configure").getWebResponse().getStatusCode());
    }

    @Test
    void refusesAMissingOrWrongSecretAlikeForKnownAndUnknownServices() throws Exception {
        String checks = CHECKS.formatted(watched);
        assertEquals(401, post(watched, null, checks, "5").statusCode());
        assertEquals(401, post(watched, SECRET.toUpperCase(), checks, "5").statusCode());
        HttpResponse<String> unknown = post("api", SECRET, checks, "5");
        assertEquals(401, unknown.statusCode());
        assertEquals(post(watched, "guess", checks, "5").body(), unknown.body());
    }

    /** A secret under 16 characters is refused for the watch: the entry says why, and its POSTs get 401. */
    @Test
    void aWeakSecretLeavesItsServiceUnwatched() throws Exception {
        String state = WorkerStates.awaitStarted(weak);
        assertTrue(state.contains("16 to 4096 characters, it has 9"), state);
        assertTrue(!state.contains("too-short"), "the secret is never shown");
        assertEquals(401, post(weak, "too-short", CHECKS.formatted(weak), "5").statusCode());
    }

    @Test
    void refusesOversizedBodiesMissingIndexesAndOtherMethods() throws Exception {
        assertEquals(
                413, post(watched, SECRET, "[" + " ".repeat(1 << 20) + "]", "5").statusCode());
        assertEquals(400, post(watched, SECRET, CHECKS.formatted(watched), null).statusCode());
        assertEquals(400, post(watched, SECRET, "{}", "5").statusCode());
        HttpResponse<String> get = http.send(
                HttpRequest.newBuilder(URI.create(j.getURL() + HealEndpoint.URL_NAME + "/" + watched))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
    }

    /** A new secret takes effect once the credentials are saved: the workers restart from them. */
    @Test
    void aChangedSecretTakesEffectWhenTheCredentialsAreSaved() throws Exception {
        SystemCredentialsProvider.getInstance()
                .getCredentials()
                .removeIf(c -> c instanceof StringCredentialsImpl s && s.getId().equals("weak-secret"));
        secret("weak-secret", "a-long-enough-secret-now");
        String state = WorkerStates.await(weak, s -> s.equals(Messages.HealWorkers_Watching()));
        assertEquals(Messages.HealWorkers_Watching(), state);
        assertEquals(400, post(weak, "a-long-enough-secret-now", "{}", "5").statusCode());
    }

    @Test
    void theCrumbExclusionCoversOnlyTheWatchPath() throws Exception {
        HttpResponse<String> other = http.send(
                HttpRequest.newBuilder(URI.create(j.getURL() + "bluegreen-watchers/vote"))
                        .POST(HttpRequest.BodyPublishers.ofString(CHECKS.formatted("vote")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, other.statusCode());
    }
}
