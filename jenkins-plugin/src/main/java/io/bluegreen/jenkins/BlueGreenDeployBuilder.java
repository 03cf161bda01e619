package io.bluegreen.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import hudson.util.FormValidation;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import jenkins.tasks.SimpleBuildStep;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The freestyle build step: a spec file from the workspace, with the service, image and tag overridable per build
 * ({@code ${BUILD_NUMBER}} and other build variables are expanded). Every other field lives in the spec file.
 */
public class BlueGreenDeployBuilder extends Builder implements SimpleBuildStep {
    private final String specFile;
    private String service;
    private String image;
    private String tag;

    @DataBoundConstructor
    public BlueGreenDeployBuilder(String specFile) {
        this.specFile = specFile;
    }

    public String getSpecFile() {
        return specFile;
    }

    public String getService() {
        return service;
    }

    @DataBoundSetter
    public void setService(String service) {
        this.service = blankToNull(service);
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = blankToNull(image);
    }

    public String getTag() {
        return tag;
    }

    @DataBoundSetter
    public void setTag(String tag) {
        this.tag = blankToNull(tag);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public void perform(
            @NonNull Run<?, ?> run,
            @NonNull FilePath workspace,
            @NonNull EnvVars env,
            @NonNull Launcher launcher,
            @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("service", service == null ? null : env.expand(service));
        overrides.put("image", image == null ? null : env.expand(image));
        overrides.put("tag", tag == null ? null : env.expand(tag));
        Map<String, String> connections = Settings.forRun(run);
        Deploys.deploy(
                run,
                workspace,
                listener,
                connections,
                Deploys.resolve(connections, listener, env.expand(specFile), overrides));
    }

    @Extension
    @Symbol("blueGreenDeployBuilder")
    public static class DescriptorImpl extends BuildStepDescriptor<Builder> implements SharedFieldChecks {
        @Override
        @SuppressWarnings("rawtypes") // the signature Jenkins core declares
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.BlueGreenDeployStep_DisplayName();
        }

        @POST
        public FormValidation doCheckSpecFile(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.required(item, value, Messages.BlueGreenDeployBuilder_SpecFileRequired());
        }
    }
}
