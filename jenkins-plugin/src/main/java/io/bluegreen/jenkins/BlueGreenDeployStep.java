package io.bluegreen.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.util.Timer;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousResumeNotSupportedException;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code blueGreenDeploy}: every spec field as a named parameter ({@code healthPath} is {@code health.path}, see
 * docs/jenkins.md; {@code promotion: 'manual'} is {@code promotion.mode}), or {@code specFile} read from the workspace
 * with the parameters overriding it. Returns a map (service, outcome, color, previousColor, version, previousVersion,
 * imageDigest, deployId, phases, flipMs, requests, failedRequests, longestGapMs, inPreview, previewUrl, releaseSteps):
 * a release whose promotion is manual returns once it waits in preview ({@code inPreview} true). The mapping and every validation message come from core's {@code StepParameters}.
 */
public class BlueGreenDeployStep extends Step {
    private String specFile;
    private final LinkedHashMap<String, Object> parameters = new LinkedHashMap<>();

    @DataBoundConstructor
    public BlueGreenDeployStep() {}

    public String getSpecFile() {
        return specFile;
    }

    @DataBoundSetter
    public void setSpecFile(String specFile) {
        this.specFile = specFile == null || specFile.isBlank() ? null : specFile;
    }

    public String getService() {
        return (String) parameters.get("service");
    }

    /** Also kept by the execution from the start, so a resumed deploy knows what to repair without reading the spec. */
    @DataBoundSetter
    public void setService(String service) {
        parameters.put("service", service);
    }

    public String getImage() {
        return (String) parameters.get("image");
    }

    @DataBoundSetter
    public void setImage(String image) {
        parameters.put("image", image);
    }

    public String getTag() {
        return (String) parameters.get("tag");
    }

    @DataBoundSetter
    public void setTag(String tag) {
        parameters.put("tag", tag);
    }

    public String getBuildContext() {
        return (String) parameters.get("buildContext");
    }

    @DataBoundSetter
    public void setBuildContext(String buildContext) {
        parameters.put("buildContext", buildContext);
    }

    public String getBuildDockerfile() {
        return (String) parameters.get("buildDockerfile");
    }

    @DataBoundSetter
    public void setBuildDockerfile(String buildDockerfile) {
        parameters.put("buildDockerfile", buildDockerfile);
    }

    @SuppressWarnings("unchecked")
    public List<String> getBuildArgs() {
        return (List<String>) parameters.get("buildArgs");
    }

    @DataBoundSetter
    public void setBuildArgs(List<String> buildArgs) {
        parameters.put("buildArgs", buildArgs);
    }

    public Boolean getPush() {
        return (Boolean) parameters.get("push");
    }

    @DataBoundSetter
    public void setPush(Boolean push) {
        parameters.put("push", push);
    }

    public Integer getReplicas() {
        return (Integer) parameters.get("replicas");
    }

    @DataBoundSetter
    public void setReplicas(Integer replicas) {
        parameters.put("replicas", replicas);
    }

    public Integer getContainerPort() {
        return (Integer) parameters.get("containerPort");
    }

    @DataBoundSetter
    public void setContainerPort(Integer containerPort) {
        parameters.put("containerPort", containerPort);
    }

    public String getHostAddress() {
        return (String) parameters.get("hostAddress");
    }

    @DataBoundSetter
    public void setHostAddress(String hostAddress) {
        parameters.put("hostAddress", hostAddress);
    }

    @SuppressWarnings("unchecked")
    public List<String> getEnv() {
        return (List<String>) parameters.get("env");
    }

    @DataBoundSetter
    public void setEnv(List<String> env) {
        parameters.put("env", env);
    }

    @SuppressWarnings("unchecked")
    public List<String> getNetworks() {
        return (List<String>) parameters.get("networks");
    }

    @DataBoundSetter
    public void setNetworks(List<String> networks) {
        parameters.put("networks", networks);
    }

    public String getHealthPath() {
        return (String) parameters.get("healthPath");
    }

    @DataBoundSetter
    public void setHealthPath(String healthPath) {
        parameters.put("healthPath", healthPath);
    }

    public String getHealthInterval() {
        return (String) parameters.get("healthInterval");
    }

    @DataBoundSetter
    public void setHealthInterval(String healthInterval) {
        parameters.put("healthInterval", healthInterval);
    }

    public String getHealthTimeout() {
        return (String) parameters.get("healthTimeout");
    }

    @DataBoundSetter
    public void setHealthTimeout(String healthTimeout) {
        parameters.put("healthTimeout", healthTimeout);
    }

    public Integer getHealthPasses() {
        return (Integer) parameters.get("healthPasses");
    }

    @DataBoundSetter
    public void setHealthPasses(Integer healthPasses) {
        parameters.put("healthPasses", healthPasses);
    }

    public String getHealthDeadline() {
        return (String) parameters.get("healthDeadline");
    }

    @DataBoundSetter
    public void setHealthDeadline(String healthDeadline) {
        parameters.put("healthDeadline", healthDeadline);
    }

    public String getVerifyWindow() {
        return (String) parameters.get("verifyWindow");
    }

    @DataBoundSetter
    public void setVerifyWindow(String verifyWindow) {
        parameters.put("verifyWindow", verifyWindow);
    }

    public String getVerifyUrl() {
        return (String) parameters.get("verifyUrl");
    }

    @DataBoundSetter
    public void setVerifyUrl(String verifyUrl) {
        parameters.put("verifyUrl", verifyUrl);
    }

    public Integer getVerifyMaxFlipFailures() {
        return (Integer) parameters.get("verifyMaxFlipFailures");
    }

    @DataBoundSetter
    public void setVerifyMaxFlipFailures(Integer verifyMaxFlipFailures) {
        parameters.put("verifyMaxFlipFailures", verifyMaxFlipFailures);
    }

    public String getStandbyKeep() {
        return (String) parameters.get("standbyKeep");
    }

    @DataBoundSetter
    public void setStandbyKeep(String standbyKeep) {
        parameters.put("standbyKeep", standbyKeep);
    }

    public String getRouterType() {
        return (String) parameters.get("routerType");
    }

    @DataBoundSetter
    public void setRouterType(String routerType) {
        parameters.put("routerType", routerType);
    }

    public String getRouterDrain() {
        return (String) parameters.get("routerDrain");
    }

    @DataBoundSetter
    public void setRouterDrain(String routerDrain) {
        parameters.put("routerDrain", routerDrain);
    }

    public String getNginxMode() {
        return (String) parameters.get("nginxMode");
    }

    @DataBoundSetter
    public void setNginxMode(String nginxMode) {
        parameters.put("nginxMode", nginxMode);
    }

    public String getNginxAdmin() {
        return (String) parameters.get("nginxAdmin");
    }

    @DataBoundSetter
    public void setNginxAdmin(String nginxAdmin) {
        parameters.put("nginxAdmin", nginxAdmin);
    }

    public String getNginxUpstreamFile() {
        return (String) parameters.get("nginxUpstreamFile");
    }

    @DataBoundSetter
    public void setNginxUpstreamFile(String nginxUpstreamFile) {
        parameters.put("nginxUpstreamFile", nginxUpstreamFile);
    }

    public String getNginxConfigFile() {
        return (String) parameters.get("nginxConfigFile");
    }

    @DataBoundSetter
    public void setNginxConfigFile(String nginxConfigFile) {
        parameters.put("nginxConfigFile", nginxConfigFile);
    }

    public String getNginxBinary() {
        return (String) parameters.get("nginxBinary");
    }

    @DataBoundSetter
    public void setNginxBinary(String nginxBinary) {
        parameters.put("nginxBinary", nginxBinary);
    }

    public String getHaproxySocket() {
        return (String) parameters.get("haproxySocket");
    }

    @DataBoundSetter
    public void setHaproxySocket(String haproxySocket) {
        parameters.put("haproxySocket", haproxySocket);
    }

    public String getHaproxyBackend() {
        return (String) parameters.get("haproxyBackend");
    }

    @DataBoundSetter
    public void setHaproxyBackend(String haproxyBackend) {
        parameters.put("haproxyBackend", haproxyBackend);
    }

    public String getHaproxyBackendFile() {
        return (String) parameters.get("haproxyBackendFile");
    }

    @DataBoundSetter
    public void setHaproxyBackendFile(String haproxyBackendFile) {
        parameters.put("haproxyBackendFile", haproxyBackendFile);
    }

    public Integer getHaproxyServerMaxconn() {
        return (Integer) parameters.get("haproxyServerMaxconn");
    }

    @DataBoundSetter
    public void setHaproxyServerMaxconn(Integer haproxyServerMaxconn) {
        parameters.put("haproxyServerMaxconn", haproxyServerMaxconn);
    }

    public String getStopSignal() {
        return (String) parameters.get("stopSignal");
    }

    @DataBoundSetter
    public void setStopSignal(String stopSignal) {
        parameters.put("stopSignal", stopSignal);
    }

    public String getStopTimeout() {
        return (String) parameters.get("stopTimeout");
    }

    @DataBoundSetter
    public void setStopTimeout(String stopTimeout) {
        parameters.put("stopTimeout", stopTimeout);
    }

    public String getLockWait() {
        return (String) parameters.get("lockWait");
    }

    @DataBoundSetter
    public void setLockWait(String lockWait) {
        parameters.put("lockWait", lockWait);
    }

    public String getPromotion() {
        return (String) parameters.get("promotion");
    }

    @DataBoundSetter
    public void setPromotion(String promotion) {
        parameters.put("promotion", promotion);
    }

    public String getPromotionTimeout() {
        return (String) parameters.get("promotionTimeout");
    }

    @DataBoundSetter
    public void setPromotionTimeout(String promotionTimeout) {
        parameters.put("promotionTimeout", promotionTimeout);
    }

    public String getPromotionAfter() {
        return (String) parameters.get("promotionAfter");
    }

    @DataBoundSetter
    public void setPromotionAfter(String promotionAfter) {
        parameters.put("promotionAfter", promotionAfter);
    }

    public String getPreviewUrl() {
        return (String) parameters.get("previewUrl");
    }

    @DataBoundSetter
    public void setPreviewUrl(String previewUrl) {
        parameters.put("previewUrl", previewUrl);
    }

    public String getHaproxyPreviewBackend() {
        return (String) parameters.get("haproxyPreviewBackend");
    }

    @DataBoundSetter
    public void setHaproxyPreviewBackend(String haproxyPreviewBackend) {
        parameters.put("haproxyPreviewBackend", haproxyPreviewBackend);
    }

    public String getNginxPreviewUpstreamFile() {
        return (String) parameters.get("nginxPreviewUpstreamFile");
    }

    @DataBoundSetter
    public void setNginxPreviewUpstreamFile(String nginxPreviewUpstreamFile) {
        parameters.put("nginxPreviewUpstreamFile", nginxPreviewUpstreamFile);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, specFile, parameters);
    }

    /**
     * Runs the deploy off the CPS thread; while it runs, a safe restart of the controller waits for it. After a hard
     * restart (the Pipeline resumes only with a durability that saves it), {@link #onResume} repairs the service from
     * its journal in Consul, which undoes an uncommitted deploy or finishes a committed one, and then fails with
     * {@link SynchronousResumeNotSupportedException}: {@code retry(conditions: [nonresumable()])} runs the deploy again.
     * The service is known from the start when the step names it, else once the spec file was read (saved then).
     */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String specFile;
        private final LinkedHashMap<String, Object> parameters;
        private String service;

        Execution(StepContext context, String specFile, Map<String, Object> parameters) {
            super(context);
            this.specFile = specFile;
            this.parameters = new LinkedHashMap<>(parameters);
            this.service = (String) parameters.get("service");
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            FilePath workspace = getContext().get(FilePath.class);
            Map<String, String> env = Settings.forRun(run);
            Calls.Resolve what = Deploys.resolve(env, listener, specFile, parameters);
            if (service == null) {
                service = workspace.act(what);
                getContext().saveState().get();
            }
            return Deploys.deploy(run, workspace, listener, env, what).asMap();
        }

        @Override
        public void onResume() {
            Timer.get().submit(() -> {
                StepContext context = getContext();
                SynchronousResumeNotSupportedException resume = new SynchronousResumeNotSupportedException(context);
                try {
                    repair(context);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    resume.addSuppressed(e); // the next deploy of the service repairs it first
                }
                context.onFailure(resume);
            });
        }

        /** Puts back, from the journal in Consul, what the deploy the restart interrupted left; logs what it found. */
        private void repair(StepContext context) throws IOException, InterruptedException {
            TaskListener listener = context.get(TaskListener.class);
            if (service == null) {
                listener.getLogger().println(Messages.BlueGreenDeployStep_ResumedUnknown());
                return;
            }
            listener.getLogger().println(Messages.BlueGreenDeployStep_ResumedRepairing(service));
            Calls.Repair repair = new Calls.Repair(Settings.forRun(context.get(Run.class)), listener, service);
            listener.getLogger().println(context.get(FilePath.class).act(repair));
        }
    }

    /**
     * The snippet generator's form: every parameter (the rare ones under Advanced), each checked with core's rules as
     * it is typed; blank fields are left out (the spec file or core's default applies), lists are one entry a line.
     */
    @Extension
    public static class DescriptorImpl extends StepDescriptor implements SharedFieldChecks {
        /** The list parameters, which the form edits as text, one entry a line. */
        private static final Set<String> LINES = Set.of("env", "buildArgs", "networks");

        @Override
        public String getFunctionName() {
            return "blueGreenDeploy";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.BlueGreenDeployStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }

        @Override
        public Step newInstance(StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            JSONObject given = new JSONObject();
            for (Object k : formData.keySet()) {
                String key = (String) k;
                Object value = formData.get(key);
                boolean blank = value instanceof String s && s.isBlank();
                if (!blank) {
                    given.put(key, LINES.contains(key) ? JSONArray.fromObject(Forms.lines((String) value)) : value);
                }
            }
            return super.newInstance(req, given);
        }

        /** A list parameter as the form shows it: one entry a line. */
        public String lines(List<String> values) {
            return values == null ? "" : String.join("\n", values);
        }

        @POST
        public ListBoxModel doFillPushItems(@AncestorInPath Item item) {
            return Forms.choices(item, "", "true", "false");
        }

        @POST
        public ListBoxModel doFillRouterTypeItems(@AncestorInPath Item item) {
            return Forms.choices(item, "", "nginx", "haproxy", "none");
        }

        @POST
        public ListBoxModel doFillNginxModeItems(@AncestorInPath Item item) {
            return Forms.choices(item, "", "runtime", "reload");
        }

        @POST
        public FormValidation doCheckBuildArgs(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.checkLines(item, "buildArgs", value);
        }

        @POST
        public FormValidation doCheckReplicas(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.checkNumber(item, "replicas", value);
        }

        @POST
        public FormValidation doCheckContainerPort(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.checkNumber(item, "containerPort", value);
        }

        @POST
        public FormValidation doCheckHostAddress(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "hostAddress", value);
        }

        @POST
        public FormValidation doCheckEnv(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.checkLines(item, "env", value);
        }

        @POST
        public FormValidation doCheckNetworks(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.checkLines(item, "networks", value);
        }

        @POST
        public FormValidation doCheckHealthPath(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "healthPath", value);
        }

        @POST
        public FormValidation doCheckHealthInterval(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "healthInterval", value);
        }

        @POST
        public FormValidation doCheckHealthTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "healthTimeout", value);
        }

        @POST
        public FormValidation doCheckHealthPasses(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.checkNumber(item, "healthPasses", value);
        }

        @POST
        public FormValidation doCheckHealthDeadline(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "healthDeadline", value);
        }

        @POST
        public FormValidation doCheckVerifyWindow(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "verifyWindow", value);
        }

        @POST
        public FormValidation doCheckVerifyUrl(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "verifyUrl", value);
        }

        @POST
        public FormValidation doCheckVerifyMaxFlipFailures(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.checkNumber(item, "verifyMaxFlipFailures", value);
        }

        @POST
        public FormValidation doCheckStandbyKeep(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "standbyKeep", value);
        }

        @POST
        public ListBoxModel doFillPromotionItems(@AncestorInPath Item item) {
            return Forms.choices(item, "", "auto", "manual");
        }

        @POST
        public FormValidation doCheckPromotionTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "promotionTimeout", value);
        }

        @POST
        public FormValidation doCheckPromotionAfter(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "promotionAfter", value);
        }

        @POST
        public FormValidation doCheckPreviewUrl(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "previewUrl", value);
        }

        @POST
        public FormValidation doCheckHaproxyPreviewBackend(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "haproxyPreviewBackend", value);
        }

        @POST
        public FormValidation doCheckRouterDrain(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "routerDrain", value);
        }

        @POST
        public FormValidation doCheckHaproxyBackend(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "haproxyBackend", value);
        }

        @POST
        public FormValidation doCheckLockWait(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "lockWait", value);
        }

        @POST
        public FormValidation doCheckHaproxyServerMaxconn(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.checkNumber(item, "haproxyServerMaxconn", value);
        }

        @POST
        public FormValidation doCheckStopSignal(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "stopSignal", value);
        }

        @POST
        public FormValidation doCheckStopTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return Forms.check(item, "stopTimeout", value);
        }
    }
}
