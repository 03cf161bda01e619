package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.StringParameterDefinition;
import hudson.util.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The Consul watch end to end against the project's real stack ({@link ProjectStack}): a service deployed, one of its
 * replicas killed, Consul's watch payload POSTed with the service's secret: the healing job runs with SERVICE, ACTION
 * and REASON, and only once for the incident, however often the watch fires.
 */
@WithJenkins
class HealHandOffTest {
    private static final String SERVICE = "vote-handoff";
    private static final String SECRET = "a-watch-secret-of-the-handoff-test";
    private static Path project;

    @BeforeAll
    static void deployed() throws Exception {
        project = ProjectStack.up();
        ProjectStack.trustWhatEarlierRunsLeft(project, SERVICE);
        Path spec = Files.createTempFile("handoff", ".yml");
        Files.writeString(
                spec,
                String.join(
                        "\n",
                        "service: " + SERVICE,
                        "image: 127.0.0.1:5000/vote",
                        "tag: v1",
                        "build: { context: " + project.resolve("examples/vote") + ", args: { VERSION: v1 } }",
                        "push: true",
                        "replicas: 2",
                        "containerPort: 8080",
                        "health: { interval: 1s, passes: 1, deadline: 30s }",
                        "verify: { window: 0 }",
                        ""));
        ProjectStack.run(project, "bin/bluegreen", "deploy", "-f", spec.toString())
                .orFail("deploying " + SERVICE);
        Files.delete(spec);
    }

    private static int post(JenkinsRule j, String index) throws Exception {
        String checks = "[{\"Node\":\"n\",\"CheckID\":\"service:x\",\"Status\":\"critical\",\"ServiceID\":\"x\","
                + "\"ServiceName\":\"" + SERVICE + "\"}]";
        HttpRequest r = HttpRequest.newBuilder(URI.create(j.getURL() + HealEndpoint.URL_NAME + "/" + SERVICE))
                .header("X-Bluegreen-Token", SECRET)
                .header("X-Consul-Index", index)
                .POST(HttpRequest.BodyPublishers.ofString(checks))
                .build();
        return HttpClient.newHttpClient()
                .send(r, HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void aWatchWithTheSecretRunsTheHealingJobOncePerIncident(JenkinsRule j) throws Exception {
        ProjectStack.signWithTheStacksKey(project);
        FreeStyleProject heal = j.createFreeStyleProject("heal-vote");
        heal.addProperty(new ParametersDefinitionProperty(
                new StringParameterDefinition("SERVICE", ""),
                new StringParameterDefinition("ACTION", ""),
                new StringParameterDefinition("REASON", "")));
        SystemCredentialsProvider.getInstance()
                .getCredentials()
                .add(new StringCredentialsImpl(CredentialsScope.GLOBAL, "watch", "", Secret.fromString(SECRET)));
        SystemCredentialsProvider.getInstance().save();
        BlueGreenConfiguration.get().setWatchedServices(List.of(new WatchedService(SERVICE, "watch", "heal-vote")));
        assertEquals(Messages.HealWorkers_Watching(), WorkerStates.awaitStarted(SERVICE));

        String victim = ProjectStack.run(
                        project, "docker", "ps", "-q", "--filter", "label=bluegreen.service=" + SERVICE)
                .orFail("listing the replicas")
                .lines()
                .findFirst()
                .orElseThrow();
        ProjectStack.run(project, "docker", "kill", victim).orFail("killing a replica");
        assertEquals(202, post(j, "101"));

        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (heal.getLastBuild() == null && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        FreeStyleBuild first = heal.getLastBuild();
        assertNotNull(first, "the healing job was not started");
        j.waitForCompletion(first);
        ParametersAction p = first.getAction(ParametersAction.class);
        assertEquals(SERVICE, p.getParameter("SERVICE").getValue());
        assertEquals("replace", p.getParameter("ACTION").getValue());
        assertTrue(
                String.valueOf(p.getParameter("REASON").getValue()).contains(SERVICE + "-blue-"),
                String.valueOf(p.getParameter("REASON").getValue()));

        assertEquals(202, post(j, "102"));
        assertEquals(202, post(j, "103"));
        Thread.sleep(10_000); // a grace period and then some: a second hand-off would have been queued by now
        assertEquals(1, heal.getBuilds().size(), "one hand-off for the incident");
        BlueGreenConfiguration.get().setWatchedServices(List.of());
    }
}
