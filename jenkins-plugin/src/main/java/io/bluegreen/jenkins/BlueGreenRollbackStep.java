package io.bluegreen.jenkins;

import hudson.Extension;
import hudson.model.TaskListener;
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

    @Extension
    public static class DescriptorImpl extends ServiceStepDescriptor {
        public DescriptorImpl() {
            super("blueGreenRollback", Messages.BlueGreenRollbackStep_DisplayName());
        }
    }
}
