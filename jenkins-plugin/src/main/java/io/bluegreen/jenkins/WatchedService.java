package io.bluegreen.jenkins;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Job;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.bluegreen.core.heal.WatchDefinitions;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A service whose Consul watch POSTs to Jenkins: the secret that authenticates those POSTs (a Secret text
 * credential) and the job that does the corrective action, started with {@code SERVICE}, {@code ACTION}, {@code REASON}.
 * A missing field (configuration as code) is kept empty, and the entry's state says why it is not watched.
 */
public class WatchedService implements Describable<WatchedService> {
    private final String service;
    private final String secretCredentialsId;
    private final String healingJob;

    @DataBoundConstructor
    public WatchedService(String service, String secretCredentialsId, String healingJob) {
        this.service = Util.fixNull(service).strip();
        this.secretCredentialsId = Util.fixEmptyAndTrim(secretCredentialsId);
        this.healingJob = Util.fixNull(healingJob).strip();
    }

    public String getService() {
        return service;
    }

    public String getSecretCredentialsId() {
        return secretCredentialsId;
    }

    public String getHealingJob() {
        return healingJob;
    }

    /** The watch definition to paste into the Consul agent's configuration; the secret itself is not shown. */
    public String getWatchDefinition() {
        return WatchDefinitions.agentConfig(List.of(WatchDefinitions.http(
                service, HealEndpoint.url(service), Messages.WatchedService_SecretPlaceholder(secretCredentialsId))));
    }

    /** Whether its heal worker runs, or why not. */
    public String getWatchState() {
        return HealWorkers.get().state(service);
    }

    @Extension
    public static class DescriptorImpl extends Descriptor<WatchedService> {
        @POST
        public FormValidation doCheckService(@QueryParameter String value) {
            return Forms.check(null, "service", value);
        }

        @POST
        public FormValidation doCheckHealingJob(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String name = Util.fixNull(value).strip();
            return Jenkins.get().getItemByFullName(name, Job.class) == null
                    ? FormValidation.error(Messages.WatchedService_NoSuchJob(name))
                    : FormValidation.ok();
        }

        /** The secret must exist and pass core's rules (16 to 4096 printable characters); its value is never shown. */
        @POST
        public FormValidation doCheckSecretCredentialsId(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error(Messages.HealWorkers_NoSecret());
            }
            try {
                Settings.watchSecret(value.strip());
                return FormValidation.ok();
            } catch (AbortException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        /** Read by the controller only (as the system), so System-scoped credentials are offered too. */
        @POST
        public ListBoxModel doFillSecretCredentialsIdItems(@QueryParameter String secretCredentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return new StandardListBoxModel()
                    .includeEmptyValue()
                    .includeAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class)
                    .includeCurrentValue(secretCredentialsId);
        }
    }
}
