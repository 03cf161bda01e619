package io.bluegreen.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.bluegreen.core.engine.DeploySummary;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.StepExecutions;

/**
 * A step about one service ({@code blueGreenRollback}, {@code blueGreenPromote}, {@code blueGreenAbort},
 * {@code blueGreenStatus}): one engine call on the workspace's agent.
 */
abstract class ServiceStep extends Step {
    private final String service;

    ServiceStep(String service) {
        this.service = service;
    }

    public String getService() {
        return service;
    }

    /** The call to run on the agent. */
    abstract AgentCall<?> call(Map<String, String> env, TaskListener listener);

    /**
     * What the step returns, from what the call returned: by default an operation's summary, kept on the build (a
     * failed one fails it) and returned as the same map as a deploy's.
     */
    Object result(Run<?, ?> run, Object called) throws Exception {
        return Deploys.record(run, (DeploySummary) called).asMap();
    }

    @Override
    public StepExecution start(StepContext context) {
        return StepExecutions.synchronousNonBlocking(context, c -> {
            Run<?, ?> run = c.get(Run.class);
            return result(run, c.get(FilePath.class).act(call(Settings.forRun(run), c.get(TaskListener.class))));
        });
    }

    /** Names the step; the rest is shared. */
    abstract static class ServiceStepDescriptor extends StepDescriptor {
        private final String functionName;
        private final String displayName;

        ServiceStepDescriptor(String functionName, String displayName) {
            this.functionName = functionName;
            this.displayName = displayName;
        }

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return displayName;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
