package io.bluegreen.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import hudson.security.ACL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The global configuration as the ecosystem's variables that core's {@code Connections.fromEnvironment} reads
 * ({@code DOCKER_HOST}, {@code CONSUL_HTTP_ADDR}, {@code CONSUL_HTTP_TOKEN}, {@code REGISTRY_USERNAME},
 * {@code REGISTRY_PASSWORD}), with the secrets taken from the Credentials plugin at the moment they are needed.
 */
final class Settings {
    /** How a credential is found: in a build's context, or Jenkins-wide as the system. */
    interface Lookup {
        <C extends IdCredentials> C find(String id, Class<C> type);
    }

    private Settings() {
    }

    /** For a build: its own view of the credentials, each one recorded as used by it. */
    static Map<String, String> forRun(Run<?, ?> run) throws AbortException {
        return env(new Lookup() {
            @Override
            public <C extends IdCredentials> C find(String id, Class<C> type) {
                return CredentialsProvider.track(run, CredentialsProvider.findCredentialById(id, type, run, List.of()));
            }
        });
    }

    /** For the controller's own work (the Consul watch endpoint), as the system. */
    static Map<String, String> forController() throws AbortException {
        return env(new Lookup() {
            @Override
            public <C extends IdCredentials> C find(String id, Class<C> type) {
                return CredentialsProvider.findCredentialByIdInItemGroup(id, type, Jenkins.get(), ACL.SYSTEM2, List.of());
            }
        });
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
            env.put("CONSUL_HTTP_TOKEN", required(lookup, cfg.getConsulTokenCredentialsId(), StringCredentials.class, "Consul ACL token")
                    .getSecret().getPlainText());
        }
        if (cfg.getRegistryCredentialsId() != null) {
            StandardUsernamePasswordCredentials c = required(lookup, cfg.getRegistryCredentialsId(),
                    StandardUsernamePasswordCredentials.class, "registry");
            env.put("REGISTRY_USERNAME", c.getUsername());
            env.put("REGISTRY_PASSWORD", c.getPassword().getPlainText());
        }
        return env;
    }

    private static <C extends IdCredentials> C required(Lookup lookup, String id, Class<C> type, String what)
            throws AbortException {
        C c = lookup.find(id, type);
        if (c == null) {
            throw new AbortException("Blue-Green Deploy: the " + what + " credentials '" + id + "' (" + type.getSimpleName()
                    + ") do not exist or this build may not use them");
        }
        return c;
    }
}
