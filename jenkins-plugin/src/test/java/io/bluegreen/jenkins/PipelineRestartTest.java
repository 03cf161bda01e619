package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;
import org.jvnet.hudson.test.junit.jupiter.RealJenkinsExtension;

/**
 * The plugin across a controller restart, against the project's real stack ({@link ProjectStack}): what a build
 * recorded survives it (its summary is saved with the build), and a deploy the restart interrupts never leaves traffic
 * half-switched: the resumed step repairs the service from its journal, then fails as documented (docs/jenkins.md,
 * "After a controller restart").
 */
class PipelineRestartTest {
    private static final String SERVICE = "vote-restart";
    private static Path project;
    private static ServiceNginx nginx;

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @RegisterExtension
    private final RealJenkinsExtension real = new RealJenkinsExtension();

    @BeforeAll
    static void stack() throws Exception {
        project = ProjectStack.up();
        nginx = ServiceNginx.start(project, SERVICE, 18099, 0);
        ProjectStack.trustWhatEarlierRunsLeft(project, SERVICE);
    }

    @AfterAll
    static void stopTheProxy() throws Exception {
        if (nginx != null) {
            nginx.stop();
        }
    }

    /** {@code deadline}: the health gate's; the broken v3 waits it out before its deploy rolls back. */
    private static String deploy(String version, String deadline) {
        return nginx.deployStep(version, ", healthDeadline: '" + deadline + "', verifyWindow: '1s'");
    }

    @Test
    void whatABuildRecordedSurvivesARestart() throws Throwable {
        sessions.then(j -> {
            ProjectStack.signWithTheStacksKey(project);
            WorkflowJob job = j.createProject(WorkflowJob.class, "recorded");
            job.setDefinition(new CpsFlowDefinition("node { " + deploy("v1", "30s") + " }", true));
            j.buildAndAssertSuccess(job);
        });
        sessions.then(j -> {
            WorkflowRun run =
                    j.jenkins.getItemByFullName("recorded", WorkflowJob.class).getBuildByNumber(1);
            BlueGreenBuildAction action = run.getAction(BlueGreenBuildAction.class);
            assertNotNull(action, "the build's blue-green action was saved with it");
            assertEquals(1, action.getSummaries().size());
            assertTrue(
                    action.getSummaries().get(0).getFlip().contains("v1"),
                    action.getSummaries().get(0).getFlip());
            String page = j.createWebClient()
                    .getPage(run.getParent(), "bluegreen-history")
                    .asNormalizedText();
            assertTrue(page.contains("v1"), page);
        });
    }

    /**
     * A crash: the broken v3 sits in its gate when the controller's JVM is killed (the deploy's runner, on the built-in
     * node, dies with it: its journal stays in Consul, its lock's session is not renewed). Jenkins started again
     * resumes the Pipeline; the step repairs the service from the journal (undoing the deploy that had not committed)
     * and fails with the error {@code retry(conditions: [nonresumable()])} knows. Production stayed on v1 throughout,
     * and nothing of v3 is left.
     */
    @Test
    void aDeployInterruptedByACrashLeavesTrafficWhereItWasAndFailsCleanly() throws Throwable {
        real.startJenkins();
        real.runRemotely(
                PipelineRestartTest::deployUntilV3Gates, project.toString(), deploy("v1", "30s"), deploy("v3", "60s"));
        List<String> before = nginx.production();
        String journal = kv("journal");
        assertTrue(journal.contains("\"phase\":\"gate\""), "the runner was gating v3 when it died: " + journal);
        real.stopJenkinsForcibly();
        assertTrue(
                ProjectStack.run(
                                        project,
                                        "docker",
                                        "ps",
                                        "-q",
                                        "--filter",
                                        "label=bluegreen.version=v3",
                                        "--filter",
                                        "label=bluegreen.service=" + SERVICE)
                                .output()
                                .strip()
                                .length()
                        > 0,
                "its v3 replica outlived the runner, as a crash leaves it");

        real.startJenkins();
        real.runRemotely(PipelineRestartTest::awaitResumedAndRepaired, SERVICE);
        real.stopJenkins();

        assertEquals(before, nginx.production(), "production stayed on v1");
        assertEquals("", kv("journal"), "the repair closed the journal");
        assertEquals(
                "",
                ProjectStack.run(
                                project,
                                "docker",
                                "ps",
                                "-aq",
                                "--filter",
                                "label=bluegreen.service=" + SERVICE,
                                "--filter",
                                "label=bluegreen.version=v3")
                        .output()
                        .strip(),
                "nothing of v3 is left");
    }

    /** In the controller's JVM: the stack's key, a job deploying v1 then v3, run until v3's gate is under way. */
    private static void deployUntilV3Gates(JenkinsRule j, String project, String v1, String v3) throws Throwable {
        ProjectStack.signWithTheStacksKey(Path.of(project));
        WorkflowJob job = j.createProject(WorkflowJob.class, "crashed");
        job.setDefinition(new CpsFlowDefinition("node {\n" + v1 + "\n" + v3 + "\n}", true));
        WorkflowRun run = job.scheduleBuild2(0).waitForStart();
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!gatingV3(JenkinsRule.getLog(run)) && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        assertTrue(gatingV3(JenkinsRule.getLog(run)), JenkinsRule.getLog(run));
    }

    private static boolean gatingV3(String log) {
        int v3 = log.lastIndexOf("vote:v3 in");
        return v3 >= 0 && log.indexOf("waiting for 1 replica(s) to pass", v3) > v3;
    }

    /** In the restarted controller's JVM: the resumed build repairs, then fails as documented. */
    private static void awaitResumedAndRepaired(JenkinsRule j, String service) throws Throwable {
        WorkflowRun run =
                j.jenkins.getItemByFullName("crashed", WorkflowJob.class).getBuildByNumber(1);
        j.waitForCompletion(run);
        j.assertBuildStatus(Result.FAILURE, run);
        j.assertLogContains(Messages.BlueGreenDeployStep_ResumedRepairing(service), run);
        j.assertLogContains("restored traffic, state and replicas as they were before it", run);
        j.assertLogContains("SynchronousResumeNotSupportedException", run);
    }

    /** {@code bluegreen/SERVICE/KEY} as Consul holds it; empty when absent. */
    private static String kv(String key) throws Exception {
        ProjectStack.Ran r = ProjectStack.run(
                project, "curl", "-s", "http://127.0.0.1:8500/v1/kv/bluegreen/" + SERVICE + "/" + key + "?raw");
        return r.output();
    }
}
