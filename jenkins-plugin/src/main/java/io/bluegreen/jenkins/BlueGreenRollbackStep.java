package io.bluegreen.jenkins;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.bluegreen.core.engine.DeploySummary;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;

/** {@code blueGreenRollback(service: 'vote')}: traffic back to the warm standby color; returns the same map as a deploy. */
public class BlueGreenRollbackStep extends ServiceStep {

    @DataBoundConstructor
    public BlueGreenRollbackStep(String service) {
        super(service);
    }

    @Override
    AgentCall<?> call(Map<String, String> env, TaskListener listener) {
        return new Calls.Rollback(env, listener, getService());
    }

    @Override
    Object result(Run<?, ?> run, Object called) throws Exception {
        return Deploys.record(run, (DeploySummary) called).asMap();
    }

    @Extension
    public static class DescriptorImpl extends ServiceStepDescriptor {
        public DescriptorImpl() {
            super("blueGreenRollback", Messages.BlueGreenRollbackStep_DisplayName());
        }
    }
}
