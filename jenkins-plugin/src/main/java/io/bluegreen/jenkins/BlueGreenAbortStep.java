package io.bluegreen.jenkins;

import hudson.Extension;
import io.bluegreen.core.engine.OperationKind;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code blueGreenAbort(service: 'vote')}: the color waiting in preview is dropped (its replicas retired, its preview
 * route cleared); production is not touched. Returns the same map as a deploy; fails the build when nothing is in
 * preview.
 */
public class BlueGreenAbortStep extends PreviewDecisionStep {

    @DataBoundConstructor
    public BlueGreenAbortStep(String service) {
        super(service, OperationKind.ABORT);
    }

    @Extension
    public static class DescriptorImpl extends ServiceStepDescriptor {
        public DescriptorImpl() {
            super("blueGreenAbort", Messages.BlueGreenAbortStep_DisplayName());
        }
    }
}
