package io.bluegreen.jenkins;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code blueGreenStatus(service: 'vote')}: returns what {@code bluegreen status --json} prints, as a map (active,
 * router, colors with their replicas and health, interruptedOperation, strays).
 */
public class BlueGreenStatusStep extends ServiceStep {

    @DataBoundConstructor
    public BlueGreenStatusStep(String service) {
        super(service);
    }

    @Override
    AgentCall<?> call(Map<String, String> env, TaskListener listener) {
        return new Calls.Status(env, listener, getService());
    }

    @Override
    Object result(Run<?, ?> run, Object called) {
        return called;
    }

    @Extension
    public static class DescriptorImpl extends ServiceStepDescriptor {
        public DescriptorImpl() {
            super("blueGreenStatus", Messages.BlueGreenStatusStep_DisplayName());
        }
    }
}
