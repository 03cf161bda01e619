package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.support.steps.input.InputAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A release through a preview as the repository's Jenkinsfile runs it, in Declarative Pipeline against the project's
 * real stack ({@link ProjectStack}): v2 deployed with {@code promotion: 'manual'}, a smoke test against its preview URL,
 * a person's {@code input}, then {@code blueGreenPromote}; when the person aborts instead, the stage's
 * {@code post { aborted }} runs {@code blueGreenAbort} and production never moved.
 */
@WithJenkins
class PipelineReleaseTest {
    private static final String SERVICE = "vote-release";
    private static Path project;
    private static ServiceNginx nginx;

    @BeforeAll
    static void stack() throws Exception {
        project = ProjectStack.up();
        nginx = ServiceNginx.start(project, SERVICE, 18100, 18101);
        ProjectStack.trustWhatEarlierRunsLeft(project, SERVICE);
    }

    @AfterAll
    static void stopTheProxy() throws Exception {
        if (nginx != null) {
            nginx.stop();
        }
    }

    private static String deploy(String version, String more) {
        return nginx.deployStep(
                version, ", healthDeadline: '30s', verifyWindow: '1s', verifyUrl: '" + nginx.url() + "'" + more);
    }

    /** The Jenkinsfile's stages: v1, then v2 through a preview, the person's decision in between. */
    private static String jenkinsfile() {
        String preview = ", promotion: 'manual', promotionTimeout: '30m'" + nginx.previewParameters();
        return String.join(
                "\n",
                "pipeline {",
                "  agent any",
                "  stages {",
                "    stage('Deploy v1') { steps { " + deploy("v1", "") + " } }",
                "    stage('v2 through a preview') {",
                "      steps {",
                "        script {",
                "          def r = " + deploy("v2", preview),
                "          echo \"IN PREVIEW ${r.version} at ${r.previewUrl}; production stays on ${r.previousVersion}\"",
                "          sh \"curl -fsS ${r.previewUrl}info.json | grep -q '\\\"version\\\":\\\"${r.version}\\\"'\"",
                "          input message: \"Promote ${r.version}?\", ok: 'Promote'",
                "          def p = blueGreenPromote service: '" + SERVICE + "'",
                "          echo \"PROMOTED ${p.previousVersion} -> ${p.version}\"",
                "        }",
                "      }",
                "      post {",
                "        aborted { script { if (blueGreenStatus(service: '" + SERVICE + "').preview) {"
                        + " blueGreenAbort service: '" + SERVICE + "'; echo 'PREVIEW DROPPED' } } }",
                "      }",
                "    }",
                "  }",
                "}");
    }

    /** Waits (at most 3 minutes) for the build's input, then answers it. */
    private static void answer(WorkflowRun run, boolean promote) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        InputAction input = run.getAction(InputAction.class);
        while ((input == null || input.getExecutions().isEmpty()) && System.nanoTime() < end) {
            Thread.sleep(200);
            input = run.getAction(InputAction.class);
        }
        assertTrue(input != null && !input.getExecutions().isEmpty(), "no input came: " + JenkinsRule.getLog(run));
        InputStepExecution e = input.getExecutions().get(0);
        if (promote) {
            e.proceed((Object) null);
        } else {
            e.doAbort();
        }
    }

    @Test
    void aPersonPromotesThePreview(JenkinsRule j) throws Exception {
        ProjectStack.signWithTheStacksKey(project);
        WorkflowJob job = j.createProject(WorkflowJob.class, "release");
        job.setDefinition(new CpsFlowDefinition(jenkinsfile(), true));
        WorkflowRun run = job.scheduleBuild2(0).waitForStart();
        answer(run, true);
        j.assertBuildStatusSuccess(j.waitForCompletion(run));
        j.assertLogContains("IN PREVIEW v2 at " + nginx.previewUrl() + "; production stays on v1", run);
        j.assertLogContains("PROMOTED v1 -> v2", run);
        assertEquals(
                List.of(), nginx.preview(), "once promoted, the preview route serves nothing until the next preview");
    }

    @Test
    void aPersonAbortsAndThePreviewIsDroppedWhileProductionStays(JenkinsRule j) throws Exception {
        ProjectStack.signWithTheStacksKey(project);
        WorkflowJob job = j.createProject(WorkflowJob.class, "release-aborted");
        job.setDefinition(new CpsFlowDefinition(jenkinsfile(), true));
        WorkflowRun run = job.scheduleBuild2(0).waitForStart();
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!JenkinsRule.getLog(run).contains("IN PREVIEW") && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        List<String> before = nginx.production();
        answer(run, false);
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(run));
        j.assertLogContains("PREVIEW DROPPED", run);
        assertEquals(before, nginx.production(), "production never moved");
        assertTrue(
                ProjectStack.run(project, "bin/bluegreen", "status", "-s", SERVICE)
                        .orFail("status")
                        .lines()
                        .noneMatch(l -> l.startsWith("preview:")),
                "nothing waits in preview any more");
    }
}
