package io.bluegreen.jenkins;

import hudson.Extension;
import io.bluegreen.core.engine.OperationKind;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code blueGreenPromote(service: 'vote')}: the color waiting in preview takes production traffic (through its canary
 * steps, then verify and the post-promotion hooks, as a deploy's flip); returns the same map as a deploy. Fails the
 * build when nothing is in preview.
 */
public class BlueGreenPromoteStep extends PreviewDecisionStep {

    @DataBoundConstructor
    public BlueGreenPromoteStep(String service) {
        super(service, OperationKind.PROMOTE);
    }

    @Extension
    public static class DescriptorImpl extends ServiceStepDescriptor {
        public DescriptorImpl() {
            super("blueGreenPromote", Messages.BlueGreenPromoteStep_DisplayName());
        }
    }
}
