package io.bluegreen.jenkins;

import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.Extension;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.spec.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Manage Jenkins » System » Blue-Green Deploy; configurable as code ({@code unclassified: blueGreen: ...}).
 * Secrets are never stored here: only the ids of Credentials-plugin entries. Every save, from the page or from
 * configuration as code, brings the heal workers in line ({@link HealWorkers.OnSave}).
 */
@Extension
@Symbol("blueGreen")
public class BlueGreenConfiguration extends GlobalConfiguration {
    private String consulAddress = "127.0.0.1:8500";
    private String consulTokenCredentialsId;
    private String registryCredentialsId;
    private String stateKeyCredentialsId;
    private String dockerHost = "unix:///var/run/docker.sock";
    private String defaultRouter = "none";
    private List<WatchedService> watchedServices = new ArrayList<>();

    public BlueGreenConfiguration() {
        load();
    }

    public static BlueGreenConfiguration get() {
        return GlobalConfiguration.all().getInstance(BlueGreenConfiguration.class);
    }

    /** A form without watched services sends none: the list is emptied first, as it is replaced otherwise. */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        watchedServices = new ArrayList<>();
        boolean ok = super.configure(req, json);
        save();
        return ok;
    }

    public String getConsulAddress() {
        return consulAddress;
    }

    @DataBoundSetter
    public void setConsulAddress(String consulAddress) {
        this.consulAddress = consulAddress;
        save();
    }

    public String getConsulTokenCredentialsId() {
        return consulTokenCredentialsId;
    }

    @DataBoundSetter
    public void setConsulTokenCredentialsId(String consulTokenCredentialsId) {
        this.consulTokenCredentialsId = blankToNull(consulTokenCredentialsId);
        save();
    }

    public String getStateKeyCredentialsId() {
        return stateKeyCredentialsId;
    }

    @DataBoundSetter
    public void setStateKeyCredentialsId(String stateKeyCredentialsId) {
        this.stateKeyCredentialsId = blankToNull(stateKeyCredentialsId);
        save();
    }

    public String getRegistryCredentialsId() {
        return registryCredentialsId;
    }

    @DataBoundSetter
    public void setRegistryCredentialsId(String registryCredentialsId) {
        this.registryCredentialsId = blankToNull(registryCredentialsId);
        save();
    }

    public String getDockerHost() {
        return dockerHost;
    }

    @DataBoundSetter
    public void setDockerHost(String dockerHost) {
        this.dockerHost = dockerHost;
        save();
    }

    public String getDefaultRouter() {
        return defaultRouter;
    }

    /** The router type a deploy uses when neither its spec file nor its parameters name one. */
    @DataBoundSetter
    public void setDefaultRouter(String defaultRouter) {
        this.defaultRouter = defaultRouter;
        save();
    }

    public List<WatchedService> getWatchedServices() {
        return watchedServices;
    }

    @DataBoundSetter
    public void setWatchedServices(List<WatchedService> watchedServices) {
        this.watchedServices = watchedServices == null ? new ArrayList<>() : new ArrayList<>(watchedServices);
        save();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @POST
    public FormValidation doCheckConsulAddress(@QueryParameter String value) {
        return connectionCheck(Map.of("CONSUL_HTTP_ADDR", value));
    }

    @POST
    public FormValidation doCheckDockerHost(@QueryParameter String value) {
        return connectionCheck(Map.of("DOCKER_HOST", value));
    }

    @POST
    public FormValidation doCheckDefaultRouter(@QueryParameter String value) {
        return Forms.check(null, "routerType", value);
    }

    @POST
    public ListBoxModel doFillDefaultRouterItems() {
        return Forms.choices(null, "none", "nginx", "haproxy");
    }

    /** Core's own parsing of the ecosystem's variables, so the form and a deploy agree. */
    private static FormValidation connectionCheck(Map<String, String> env) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            Connections.fromEnvironment(env);
            return FormValidation.ok();
        } catch (InvalidSpecException e) {
            return FormValidation.error(String.join("; ", e.problems()));
        }
    }

    /** Only credentials every build can use are offered (Global scope: a build's own lookup leaves System scope out). */
    @POST
    public ListBoxModel doFillConsulTokenCredentialsIdItems(@QueryParameter String consulTokenCredentialsId) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Settings.usableByBuilds(StringCredentials.class).includeCurrentValue(consulTokenCredentialsId);
    }

    @POST
    public FormValidation doCheckConsulTokenCredentialsId(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Settings.checkUsableByBuilds(value, StringCredentials.class);
    }

    @POST
    public ListBoxModel doFillRegistryCredentialsIdItems(@QueryParameter String registryCredentialsId) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Settings.usableByBuilds(StandardUsernamePasswordCredentials.class)
                .includeCurrentValue(registryCredentialsId);
    }

    @POST
    public FormValidation doCheckRegistryCredentialsId(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Settings.checkUsableByBuilds(value, StandardUsernamePasswordCredentials.class);
    }

    @POST
    public ListBoxModel doFillStateKeyCredentialsIdItems(@QueryParameter String stateKeyCredentialsId) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Settings.usableByBuilds(StringCredentials.class).includeCurrentValue(stateKeyCredentialsId);
    }

    @POST
    public FormValidation doCheckStateKeyCredentialsId(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Settings.checkUsableByBuilds(value, StringCredentials.class);
    }
}
