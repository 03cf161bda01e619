package io.bluegreen.jenkins;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
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
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * A service whose Consul watch POSTs to Jenkins: the secret that authenticates those POSTs (a Secret text
 * credential) and the job that does the corrective action, started with {@code SERVICE}, {@code ACTION}, {@code REASON}.
 */
public class WatchedService extends AbstractDescribableImpl<WatchedService> {
    private final String service;
    private final String secretCredentialsId;
    private final String healingJob;

    @DataBoundConstructor
    public WatchedService(String service, String secretCredentialsId, String healingJob) {
        this.service = service.strip();
        this.secretCredentialsId = secretCredentialsId;
        this.healingJob = healingJob.strip();
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
        return WatchDefinitions.agentConfig(List.of(WatchDefinitions.http(service, HealEndpoint.url(service),
                "<the secret of credentials '" + secretCredentialsId + "'>")));
    }

    @Extension
    public static class DescriptorImpl extends Descriptor<WatchedService> {
        @RequirePOST
        public FormValidation doCheckService(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check("service", value);
        }

        @RequirePOST
        public FormValidation doCheckHealingJob(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            Job<?, ?> job = Jenkins.get().getItemByFullName(value.strip(), Job.class);
            return job == null ? FormValidation.error("no job named '" + value + "' (use its full name, such as ops/heal-vote)")
                    : FormValidation.ok();
        }

        @RequirePOST
        public ListBoxModel doFillSecretCredentialsIdItems(@QueryParameter String secretCredentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return new StandardListBoxModel().includeEmptyValue()
                    .includeAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class)
                    .includeCurrentValue(secretCredentialsId);
        }
    }
}
