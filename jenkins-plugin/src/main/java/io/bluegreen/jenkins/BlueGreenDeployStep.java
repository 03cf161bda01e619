package io.bluegreen.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.bluegreen.core.engine.DeploySummary;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code blueGreenDeploy}: every spec field as a named parameter ({@code healthPath} is {@code health.path}, see
 * docs/jenkins.md), or {@code specFile} read from the workspace with the parameters overriding it. Returns a map
 * (service, color, previousColor, version, previousVersion, imageDigest, deployId, phases, flipMs, requests,
 * failedRequests, longestGapMs). The mapping and every validation message come from core's {@code StepParameters}.
 */
public class BlueGreenDeployStep extends Step {
    private String specFile;
    private final LinkedHashMap<String, Object> parameters = new LinkedHashMap<>();

    @DataBoundConstructor
    public BlueGreenDeployStep() {
    }

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

    public String getLockWait() {
        return (String) parameters.get("lockWait");
    }

    @DataBoundSetter
    public void setLockWait(String lockWait) {
        parameters.put("lockWait", lockWait);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, specFile, parameters);
    }

    /**
     * Runs the deploy off the CPS thread. The service name is kept (and saved with the build) once validated: if the
     * controller restarts mid-deploy, {@link #onResume} repairs the service from its journal in Consul, then fails
     * the step saying what it found, so traffic is never left half-switched.
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
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            FilePath workspace = getContext().get(FilePath.class);
            Map<String, String> env = Settings.forRun(run);
            Calls.Resolve what = Deploys.resolve(env, listener, specFile, parameters);
            service = workspace.act(what);
            getContext().saveState().get();
            DeploySummary s = Deploys.deploy(run, workspace, listener, env, what);
            return s.asMap();
        }

        @Override
        public void onResume() {
            if (service == null) {
                super.onResume();
                return;
            }
            Timer.get().submit(() -> {
                try {
                    TaskListener listener = getContext().get(TaskListener.class);
                    listener.getLogger().println("Jenkins restarted during the deploy of " + service + "; repairing it from its journal");
                    String found = getContext().get(FilePath.class)
                            .act(new Calls.Repair(Settings.forRun(getContext().get(Run.class)), listener, service));
                    getContext().onFailure(new AbortException("Blue-Green Deploy of " + service
                            + " was interrupted by a controller restart: " + found));
                } catch (IOException | InterruptedException | RuntimeException e) {
                    getContext().onFailure(e);
                }
            });
        }
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "blueGreenDeploy";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Blue-green deploy of a Docker service";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }
    }
}
