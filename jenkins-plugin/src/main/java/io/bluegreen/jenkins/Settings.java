package io.bluegreen.jenkins;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.AbstractIdCredentialsListBoxModel;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Cause;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.util.FormValidation;
import io.bluegreen.core.engine.Actor;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.WatchReceiver;
import io.bluegreen.core.spec.InvalidSpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The global configuration as the ecosystem's variables that core's {@code Connections.fromEnvironment} reads
 * ({@code DOCKER_HOST}, {@code CONSUL_HTTP_ADDR}, {@code CONSUL_HTTP_TOKEN}, {@code REGISTRY_USERNAME},
 * {@code REGISTRY_PASSWORD}, {@code BLUEGREEN_STATE_KEY}), with the secrets taken from the Credentials plugin at the
 * moment they are needed; and {@code BLUEGREEN_ACTOR}, who the history names: the build and who started it, or Jenkins.
 */
final class Settings {
    /** How a credential is found: in a build's context, or Jenkins-wide as the system. */
    interface Lookup {
        <C extends IdCredentials> C find(String id, Class<C> type);
    }

    /** Jenkins-wide, as the system: the controller's own work (the Consul watch endpoint and its heal workers). */
    private static final Lookup CONTROLLER = new Lookup() {
        @Override
        public <C extends IdCredentials> C find(String id, Class<C> type) {
            return CredentialsProvider.findCredentialByIdInItemGroup(id, type, Jenkins.get(), ACL.SYSTEM2, List.of());
        }
    };

    private Settings() {}

    /** For a build: its own view of the credentials, each one recorded as used by it. */
    static Map<String, String> forRun(Run<?, ?> run) throws AbortException {
        Map<String, String> env = env(new Lookup() {
            @Override
            public <C extends IdCredentials> C find(String id, Class<C> type) {
                return CredentialsProvider.track(run, CredentialsProvider.findCredentialById(id, type, run, List.of()));
            }
        });
        env.put("BLUEGREEN_ACTOR", actor("jenkins " + url(run.getUrl()) + " by " + startedBy(run)));
        return env;
    }

    /** For the controller's own work (the Consul watch endpoint), as the system. */
    static Map<String, String> forController() throws AbortException {
        Map<String, String> env = env(CONTROLLER);
        env.put("BLUEGREEN_ACTOR", actor("jenkins " + url("")));
        return env;
    }

    /** The user who started the build, else what did (a timer, an SCM change, an upstream build). */
    private static String startedBy(Run<?, ?> run) {
        Cause.UserIdCause user = run.getCause(Cause.UserIdCause.class);
        if (user != null && user.getUserId() != null) {
            return user.getUserId();
        }
        return run.getCauses().stream()
                .findFirst()
                .map(c -> c.getClass().getSimpleName())
                .orElse("nobody known");
    }

    /** Jenkins' address and {@code path} under it (the path alone when no root URL is configured). */
    private static String url(String path) {
        String root = Jenkins.get().getRootUrl();
        return root == null ? "/" + path : root + path;
    }

    /** One line within core's bound for an actor, whatever a job's name holds. */
    private static String actor(String text) {
        String line = text.replaceAll("\\p{Cntrl}", "?");
        return line.length() > Actor.MAX_LENGTH ? line.substring(0, Actor.MAX_LENGTH) : line;
    }

    /** The watch secret in Secret text credentials {@code id}, if core accepts it (16 to 4096 printable characters). */
    static Secret watchSecret(String id) throws AbortException {
        Secret secret = new Secret(required(CONTROLLER, id, StringCredentials.class, Messages.Settings_WatchSecret())
                .getSecret()
                .getPlainText());
        try {
            WatchReceiver.requireValid(secret, Messages.Settings_TheCredentials(id));
        } catch (InvalidSpecException e) {
            throw new AbortException(e.getMessage());
        }
        return secret;
    }

    /**
     * The credentials of {@code type} that every build can use: Jenkins' own, in Global scope (a build's lookup leaves
     * System scope out, so offering those would make every build fail).
     */
    static AbstractIdCredentialsListBoxModel<StandardListBoxModel, StandardCredentials> usableByBuilds(
            Class<? extends StandardCredentials> type) {
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeMatchingAs(
                        ACL.SYSTEM2,
                        Jenkins.get(),
                        type,
                        List.of(),
                        CredentialsMatchers.withScope(CredentialsScope.GLOBAL));
    }

    /** An error when {@code id} names no credentials of {@code type} every build can use. */
    static FormValidation checkUsableByBuilds(String id, Class<? extends StandardCredentials> type) {
        if (id == null || id.isBlank() || usableByBuilds(type).stream().anyMatch(o -> o.value.equals(id))) {
            return FormValidation.ok();
        }
        return FormValidation.error(Messages.Settings_NotUsableByBuilds(id, type.getSimpleName()));
    }

    /** The configured router type as a default beneath the spec file and the parameters. */
    static Map<String, Object> defaults() {
        String router = BlueGreenConfiguration.get().getDefaultRouter();
        return router == null || router.isBlank() ? Map.of() : Map.of("routerType", router);
    }

    private static Map<String, String> env(Lookup lookup) throws AbortException {
        BlueGreenConfiguration cfg = BlueGreenConfiguration.get();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DOCKER_HOST", cfg.getDockerHost());
        env.put("CONSUL_HTTP_ADDR", cfg.getConsulAddress());
        if (cfg.getConsulTokenCredentialsId() != null) {
            env.put(
                    "CONSUL_HTTP_TOKEN",
                    required(
                                    lookup,
                                    cfg.getConsulTokenCredentialsId(),
                                    StringCredentials.class,
                                    Messages.Settings_ConsulToken())
                            .getSecret()
                            .getPlainText());
        }
        if (cfg.getStateKeyCredentialsId() != null) {
            env.put(
                    "BLUEGREEN_STATE_KEY",
                    required(
                                    lookup,
                                    cfg.getStateKeyCredentialsId(),
                                    StringCredentials.class,
                                    Messages.Settings_StateKey())
                            .getSecret()
                            .getPlainText());
        }
        if (cfg.getRegistryCredentialsId() != null) {
            StandardUsernamePasswordCredentials c = required(
                    lookup,
                    cfg.getRegistryCredentialsId(),
                    StandardUsernamePasswordCredentials.class,
                    Messages.Settings_Registry());
            env.put("REGISTRY_USERNAME", c.getUsername());
            env.put("REGISTRY_PASSWORD", c.getPassword().getPlainText());
        }
        return env;
    }

    private static <C extends IdCredentials> C required(Lookup lookup, String id, Class<C> type, String what)
            throws AbortException {
        C c = lookup.find(id, type);
        if (c == null) {
            throw new AbortException(Messages.Settings_Missing(what, id, type.getSimpleName()));
        }
        return c;
    }
}
