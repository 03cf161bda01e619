package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.it.StubJenkins;
import io.bluegreen.core.spec.HttpUrls;
import io.bluegreen.core.spec.InvalidSpecException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** The Jenkins hand-off against a server speaking Jenkins' crumb and buildWithParameters contract. */
public class JenkinsHandOffTest {
    private static final String TOKEN = "11aa22bb33cc44dd55ee66ff77aa88bb99";
    private static final HealDecision REPLACE = new HealDecision(HealDecision.Action.REPLACE, Color.BLUE,
            List.of("vote-blue-1-2"), "1 of 2 blue replicas failed: vote-blue-1-2 & more");

    private static JenkinsHandOff handOff(StubJenkins jenkins, String job, String token) {
        return new JenkinsHandOff(HttpUrls.validated("--jenkins-url", jenkins.url() + "/"), job, Optional.of("heal-bot"),
                Optional.of(new Secret(token)));
    }

    @Test
    public void queuesANestedFolderJobWithParametersCrumbAndBasicAuth() throws Exception {
        try (StubJenkins jenkins = new StubJenkins("/job/ops/job/heal%20vote", "heal-bot", TOKEN, true)) {
            String where = handOff(jenkins, "ops/heal vote", TOKEN).handOff("vote", REPLACE);
            assertTrue(where, where.startsWith("Jenkins job ops/heal vote queued (" + jenkins.url() + "/queue/item/1/"));
            assertFalse(where, where.contains(TOKEN));
            StubJenkins.Build b = jenkins.builds().get(0);
            assertEquals("vote", b.params().get("SERVICE"));
            assertEquals("replace", b.params().get("ACTION"));
            assertEquals(REPLACE.reason(), b.params().get("REASON"));
            assertEquals(StubJenkins.CRUMB, b.crumb());
            assertTrue(b.authorization().startsWith("Basic "));
        }
    }

    @Test
    public void withoutCsrfProtectionNoCrumbIsSent() throws Exception {
        try (StubJenkins jenkins = new StubJenkins("/job/heal-vote", "heal-bot", TOKEN, false)) {
            handOff(jenkins, "heal-vote", TOKEN).handOff("vote", REPLACE);
            assertEquals(1, jenkins.builds().size());
            assertNull(jenkins.builds().get(0).crumb());
        }
    }

    @Test
    public void refusalsSayWhyWithoutTheToken() throws Exception {
        try (StubJenkins jenkins = new StubJenkins("/job/heal-vote", "heal-bot", TOKEN, true)) {
            assertRefused(handOff(jenkins, "heal-vote", "wrong-token-0123456789"), "JENKINS_API_TOKEN");
            assertRefused(handOff(jenkins, "no-such-job", TOKEN), "no job no-such-job");
            assertTrue(jenkins.builds().isEmpty());
        }
        JenkinsHandOff down = new JenkinsHandOff(URI.create("http://127.0.0.1:1"), "j", Optional.empty(), Optional.empty());
        assertRefused(down, "did not answer");
    }

    private static void assertRefused(JenkinsHandOff h, String expected) {
        try {
            h.handOff("vote", REPLACE);
            fail("expected a refusal");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(expected));
            assertFalse(e.getMessage(), e.getMessage().contains(TOKEN));
        }
    }

    @Test
    public void jobPathsAndUrlsAreValidated() {
        assertEquals("/job/a/job/b%23c", JenkinsHandOff.jobPath("a/b#c"));
        for (String bad : List.of("", "a//b", "../x", "a/./b", "a/\nb", " a")) {
            try {
                JenkinsHandOff.validatedJob("--jenkins-job", bad);
                fail("accepted job '" + bad + "'");
            } catch (InvalidSpecException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("- --jenkins-job:"));
            }
        }
        assertEquals("ops/heal-vote", JenkinsHandOff.validatedJob("--jenkins-job", "ops/heal-vote"));
        assertEquals(URI.create("https://ci.example:8443/jenkins"), HttpUrls.validated("--jenkins-url", "https://ci.example:8443/jenkins/"));
        for (String bad : List.of("ftp://x", "http://", "http://u:p@host", "http://h/?q=1", "jenkins")) {
            try {
                HttpUrls.validated("--jenkins-url", bad);
                fail("accepted url '" + bad + "'");
            } catch (InvalidSpecException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("- --jenkins-url:") && !e.getMessage().contains("u:p"));
            }
        }
    }
}
