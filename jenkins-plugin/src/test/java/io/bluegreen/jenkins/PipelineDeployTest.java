package io.bluegreen.jenkins;

import static org.junit.Assert.assertEquals;

import hudson.model.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * {@code blueGreenDeploy} in a real Pipeline against the real stack that {@code scripts/stack.sh up} starts (Docker
 * engine, registry on 127.0.0.1:5000, Consul on 127.0.0.1:8500), with an nginx of its own in front of its own
 * service: v1, v2 (the flip), status, a rollback to the standby, then the broken v3 whose gate fails and rolls back.
 * The assertions hold whichever color an earlier run left active.
 */
public class PipelineDeployTest {
    private static final String SERVICE = "vote-jenkins";
    private static final int PORT = 18095;
    private static Path root;
    private static String upstreamFile;
    private static String configFile;

    @Rule
    public JenkinsRule j = new JenkinsRule();

    @BeforeClass
    public static void stack() throws Exception {
        root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        run("scripts/stack.sh", "up");
        String paths = run("scripts/nginx-proxy.sh", "start", SERVICE, Integer.toString(PORT), SERVICE);
        upstreamFile = paths.lines().filter(l -> l.startsWith("upstreamFile=")).findFirst().orElseThrow().substring(13);
        configFile = paths.lines().filter(l -> l.startsWith("configFile=")).findFirst().orElseThrow().substring(11);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("bluegreen-jenkins", ".out");
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(out));
        }
        return Files.readString(out);
    }

    private static String deploy(String version) {
        return "blueGreenDeploy(service: '" + SERVICE + "', image: '127.0.0.1:5000/vote', tag: '" + version + "',"
                + " buildContext: '" + root.resolve("examples/vote") + "', buildArgs: ['VERSION=" + version + "'], push: true,"
                + " replicas: 1, containerPort: 8080, healthInterval: '1s', healthPasses: 2, healthDeadline: '30s',"
                + " verifyWindow: '2s', verifyUrl: 'http://127.0.0.1:" + PORT + "/', standbyKeep: '10m',"
                + " routerType: 'nginx', nginxUpstreamFile: '" + upstreamFile + "', nginxConfigFile: '" + configFile + "')";
    }

    @Test
    public void deploysFlipsRollsBackAndFailsTheBuildOnABrokenVersion() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "dogfood");
        job.setDefinition(new CpsFlowDefinition("node {\n"
                + "  " + deploy("v1") + "\n"
                + "  def r = " + deploy("v2") + "\n"
                + "  echo \"FLIP ${r.previousVersion}->${r.version} ${r.previousColor != r.color}\"\n"
                + "  echo \"ACTIVE ${blueGreenStatus(service: '" + SERVICE + "').active == r.color}\"\n"
                + "  def back = blueGreenRollback(service: '" + SERVICE + "')\n"
                + "  echo \"BACK ${back.color == r.previousColor} ${back.version}\"\n"
                + "  " + deploy("v3") + "\n"
                + "}", true));
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
    }
}
