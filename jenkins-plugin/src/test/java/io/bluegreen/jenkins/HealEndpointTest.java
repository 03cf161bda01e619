package io.bluegreen.jenkins;

import static org.junit.Assert.assertEquals;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The Consul watch endpoint over real HTTP, as Consul calls it: no login, no crumb (CSRF protection is on in
 * JenkinsRule, so a 403 here would mean the exclusion failed). Consul is not needed: every request is refused
 * before the replay guard asks it.
 */
public class HealEndpointTest {
    private static final String SECRET = "0123456789abcdef-vote";
    private static final String CHECKS = """
            [{"Node":"n","CheckID":"service:vote-blue-1","Status":"critical","ServiceID":"vote-blue-1","ServiceName":"vote"}]""";

    @Rule
    public JenkinsRule j = new JenkinsRule();
    private final HttpClient http = HttpClient.newHttpClient();

    @Before
    public void watchVote() throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "vote-watch", "vote's Consul watch", Secret.fromString(SECRET)));
        SystemCredentialsProvider.getInstance().save();
        BlueGreenConfiguration.get().setWatchedServices(List.of(new WatchedService("vote", "vote-watch", "heal-vote")));
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

    @Test
    public void refusesAMissingOrWrongSecretAlikeForKnownAndUnknownServices() throws Exception {
        assertEquals(401, post("vote", null, CHECKS, "5").statusCode());
        assertEquals(401, post("vote", "0123456789abcdef-VOTE", CHECKS, "5").statusCode());
        HttpResponse<String> unknown = post("api", SECRET, CHECKS, "5");
        assertEquals(401, unknown.statusCode());
        assertEquals(post("vote", "guess", CHECKS, "5").body(), unknown.body());
    }

    @Test
    public void refusesOversizedBodiesMissingIndexesAndOtherMethods() throws Exception {
        assertEquals(413, post("vote", SECRET, "[" + " ".repeat(1 << 20) + "]", "5").statusCode());
        assertEquals(400, post("vote", SECRET, CHECKS, null).statusCode());
        assertEquals(400, post("vote", SECRET, "{}", "5").statusCode());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(j.getURL() + HealEndpoint.URL_NAME + "/vote"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
    }

    @Test
    public void theCrumbExclusionCoversOnlyTheWatchPath() throws Exception {
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(j.getURL() + "bluegreen-watchers/vote"))
                .POST(HttpRequest.BodyPublishers.ofString(CHECKS)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, other.statusCode());
    }
}
