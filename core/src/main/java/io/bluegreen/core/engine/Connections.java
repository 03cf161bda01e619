package io.bluegreen.core.engine;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.bluegreen.core.spec.InvalidSpecException;

/**
 * How to reach the systems, from the ecosystem's own variables: {@code DOCKER_HOST},
 * {@code CONSUL_HTTP_ADDR}, {@code CONSUL_HTTP_TOKEN}, {@code REGISTRY_USERNAME} /
 * {@code REGISTRY_PASSWORD}, and Docker's own config folder for {@code docker login} credentials.
 */
public record Connections(String dockerHost, URI consul, Optional<Secret> consulToken,
                          Optional<String> registryUsername, Optional<Secret> registryPassword, Path dockerConfig) {

    public static Connections fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String docker = env.getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock").trim();
        if (!(docker.startsWith("unix://") || docker.startsWith("tcp://"))) {
            problems.add("DOCKER_HOST: '" + docker + "' is not unix:///path or tcp://host:port");
        }
        URI consul = parseConsul(env.getOrDefault("CONSUL_HTTP_ADDR", "127.0.0.1:8500").trim(), problems);
        Optional<Secret> token = nonEmpty(env.get("CONSUL_HTTP_TOKEN")).map(Secret::new);
        Optional<String> user = nonEmpty(env.get("REGISTRY_USERNAME"));
        Optional<Secret> password = nonEmpty(env.get("REGISTRY_PASSWORD")).map(Secret::new);
        if (user.isPresent() != password.isPresent()) {
            problems.add("REGISTRY_USERNAME and REGISTRY_PASSWORD: set both or neither");
        }
        Path dockerConfig = nonEmpty(env.get("DOCKER_CONFIG")).map(Path::of)
                .orElse(Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker"));
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
        return new Connections(docker, consul, token, user, password, dockerConfig);
    }

    /** Consul's own forms: {@code host:port}, {@code http://host:port}, {@code https://host:port}. */
    private static URI parseConsul(String addr, List<String> problems) {
        String withScheme = addr.contains("://") ? addr : "http://" + addr;
        try {
            URI u = URI.create(withScheme);
            if ((u.getScheme().equals("http") || u.getScheme().equals("https")) && u.getHost() != null
                    && u.getUserInfo() == null && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))) {
                return new URI(u.getScheme(), null, u.getHost(), u.getPort() == -1 ? 8500 : u.getPort(), null, null, null);
            }
        } catch (Exception ignored) {
            // reported below
        }
        // Never echo credentials someone put into the address.
        problems.add("CONSUL_HTTP_ADDR: '" + addr.replaceAll("//[^/@]*@", "//****@")
                + "' is not host:port or http(s)://host:port (without user:password)");
        return null;
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    /** Every secret value, for redaction of anything we print. */
    public List<String> secrets() {
        List<String> out = new ArrayList<>();
        consulToken.ifPresent(s -> out.add(s.reveal()));
        registryPassword.ifPresent(s -> out.add(s.reveal()));
        return out;
    }
}
