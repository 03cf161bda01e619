package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * {@code blueGreenDeploy} in a real Pipeline against the real stack of the project's {@code scripts/stack.sh up}
 * ({@link ProjectStack}), with an nginx of its own in front of its own service and the stack's state key as the
 * plugin's credential: v1, v2 (the flip), status, a rollback to the standby, then the broken v3 whose gate fails and
 * rolls back; a release through a preview; and a deploy whose spec's {@code target:} names another engine. The
 * assertions hold whichever color an earlier run left active.
 */
@WithJenkins
class PipelineDeployTest {
    private static final String SERVICE = "vote-jenkins";
    private static Path project;
    private static ServiceNginx nginx;
    private static boolean enginesWereUp;

    @BeforeAll
    static void stack() throws Exception {
        project = ProjectStack.up();
        nginx = ServiceNginx.start(project, SERVICE, 18095, 18096);
        enginesWereUp = run("scripts/engines.sh", "status").exit() == 0;
        ProjectStack.trustWhatEarlierRunsLeft(project, SERVICE, SERVICE + "-engines");
    }

    @AfterAll
    static void stopWhatThisStarted() throws Exception {
        if (project != null && !enginesWereUp) {
            run("scripts/engines.sh", "down");
        }
    }

    private static ProjectStack.Ran run(String... command) throws IOException, InterruptedException {
        return ProjectStack.run(project, command);
    }

    private static String deploy(String version) {
        return deploy(version, "");
    }

    /** {@code more}: further parameters, each starting with a comma. */
    private static String deploy(String version, String more) {
        return nginx.deployStep(
                version, ", healthDeadline: '30s', verifyWindow: '2s', verifyUrl: '" + nginx.url() + "'" + more);
    }

    /**
     * {@code promotion: 'manual'}: the deploy returns in preview (production untouched, the preview URL answers the new
     * version), blueGreenPromote flips; a second preview is dropped by blueGreenAbort; an abort with nothing in preview
     * fails the build with the reason. The summary shows the preview.
     */
    @Test
    void stopsInPreviewThenPromotesOrAborts(JenkinsRule j) throws Exception {
        ProjectStack.signWithTheStacksKey(project);
        String preview = ", promotion: 'manual', promotionTimeout: '10m'" + nginx.previewParameters();
        WorkflowJob job = j.createProject(WorkflowJob.class, "preview");
        job.setDefinition(new CpsFlowDefinition(
                "node {\n"
                        + "  " + deploy("v1") + "\n"
                        + "  def r = " + deploy("v2", preview) + "\n"
                        + "  echo \"PREVIEW ${r.inPreview} ${r.outcome} ${r.previewUrl}\"\n"
                        + "  sh \"curl -fsS ${r.previewUrl}info.json\"\n"
                        + "  echo \"STILL ${blueGreenStatus(service: '" + SERVICE + "').preview.version}\"\n"
                        + "  def p = blueGreenPromote(service: '" + SERVICE + "')\n"
                        + "  echo \"PROMOTED ${p.outcome} ${p.version} ${p.inPreview}\"\n"
                        + "  " + deploy("v1", preview) + "\n"
                        + "  def a = blueGreenAbort(service: '" + SERVICE + "')\n"
                        + "  echo \"ABORTED ${a.outcome} ${blueGreenStatus(service: '" + SERVICE
                        + "').preview == null}\"\n"
                        + "  blueGreenAbort(service: '" + SERVICE + "')\n"
                        + "}",
                true));
        WorkflowRun run = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));
        j.assertLogContains("PREVIEW true in-preview " + nginx.previewUrl(), run);
        j.assertLogContains("\"version\":\"v2\"", run);
        j.assertLogContains("STILL v2", run);
        j.assertLogContains("PROMOTED promoted v2 false", run);
        j.assertLogContains("ABORTED aborted true", run);
        j.assertLogContains("nothing is in preview", run);
        BlueGreenBuildAction action = run.getAction(BlueGreenBuildAction.class);
        String flip = action.getSummaries().get(1).getFlip();
        assertTrue(flip.contains(" (v2) in preview at " + nginx.previewUrl() + "; "), flip);
        assertTrue(flip.endsWith(" (v1) keeps production"), flip);
    }

    @Test
    void deploysFlipsRollsBackAndFailsTheBuildOnABrokenVersion(JenkinsRule j) throws Exception {
        ProjectStack.signWithTheStacksKey(project);
        WorkflowJob job = j.createProject(WorkflowJob.class, "dogfood");
        job.setDefinition(new CpsFlowDefinition(
                "node {\n"
                        + "  " + deploy("v1") + "\n"
                        + "  def r = " + deploy("v2") + "\n"
                        + "  echo \"FLIP ${r.previousVersion}->${r.version} ${r.previousColor != r.color}\"\n"
                        + "  echo \"ACTIVE ${blueGreenStatus(service: '" + SERVICE + "').active == r.color}\"\n"
                        + "  def back = blueGreenRollback(service: '" + SERVICE + "')\n"
                        + "  echo \"BACK ${back.color == r.previousColor} ${back.version}\"\n"
                        + "  " + deploy("v3") + "\n"
                        + "}",
                true));
        WorkflowRun run = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));
        j.assertLogContains("FLIP v1->v2 true", run);
        j.assertLogContains("ACTIVE true", run);
        j.assertLogContains("BACK true v1", run);
        j.assertLogContains("> gate", run);
        j.assertLogContains("Blue-Green Deploy: " + SERVICE + " rolled-back", run);
        BlueGreenBuildAction action = run.getAction(BlueGreenBuildAction.class);
        assertEquals(4, action.getSummaries().size());
        assertEquals("rolled-back", action.getSummaries().get(3).getOutcome());
        j.createWebClient().getPage(job, "bluegreen-history");
        String state = run("curl", "-fsS", "http://127.0.0.1:8500/v1/kv/bluegreen/" + SERVICE + "/state?raw")
                .orFail("reading the state");
        assertTrue(state.contains("\"mac\":\"hmac-sha256:"), "signed with the credential's key: " + state);
        // Who did it: every record of the build names it and who started it.
        String history = run("curl", "-fsS", "http://127.0.0.1:8500/v1/kv/bluegreen/" + SERVICE + "/history?recurse")
                .orFail("reading the history");
        java.util.List<String> records = java.util.regex.Pattern.compile("\"Value\":\\s*\"([A-Za-z0-9+/=]+)\"")
                .matcher(history)
                .results()
                .map(m -> new String(java.util.Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8))
                .toList();
        String actor = "jenkins " + j.getURL() + run.getUrl() + " by ";
        assertTrue(
                records.stream().filter(r -> r.contains(actor)).count() >= 4,
                "the build's deploys, its rollback and its rolled-back deploy name " + actor + ": " + records);
    }

    /**
     * The spec's {@code target:} is honoured: the replicas run on the engine it names (its own network namespace and
     * address, from scripts/engines.sh), and blueGreenStatus reads them there through the target the state recorded.
     */
    @Test
    void deploysOnTheEngineTheSpecsTargetNames(JenkinsRule j) throws Exception {
        ProjectStack.signWithTheStacksKey(project);
        String[] engine = run("scripts/engines.sh", "up", "1")
                .orFail("scripts/engines.sh up 1")
                .lines()
                .map(l -> l.trim().split(" "))
                .filter(f -> f.length == 4)
                .findFirst()
                .orElseThrow();
        String spec = String.join(
                "\n",
                "service: " + SERVICE + "-engines",
                "image: 127.0.0.1:5000/vote",
                "tag: v1",
                "build: { context: " + project.resolve("examples/vote") + ", args: { VERSION: v1 } }",
                "replicas: 2",
                "containerPort: 8080",
                "health: { interval: 1s, passes: 2, deadline: 30s }",
                "verify: { window: 1s }",
                "target:",
                "  type: engines",
                "  engines:",
                "    - { name: " + engine[0] + ", host: \"" + engine[1] + "\", address: " + engine[2] + " }");
        WorkflowJob job = j.createProject(WorkflowJob.class, "engines");
        job.setDefinition(new CpsFlowDefinition(
                "node {\n"
                        + "  writeFile file: 'bluegreen.yml', text: '''" + spec + "\n'''\n"
                        + "  blueGreenDeploy specFile: 'bluegreen.yml', routerType: 'none'\n"
                        + "  echo \"STATUS ${blueGreenStatus(service: '" + SERVICE + "-engines')}\"\n"
                        + "}",
                true));
        WorkflowRun run = j.buildAndAssertSuccess(job);
        j.assertLogContains("endpoint:" + engine[2] + ":", run);
        j.assertLogContains("running:true", run);
    }
}
