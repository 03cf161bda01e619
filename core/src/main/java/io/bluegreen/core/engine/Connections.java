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
 * {@code REGISTRY_PASSWORD}, and Docker's own config folder for {@code docker login} credentials; and how what is saved
 * in Consul is signed ({@link Saving}); and who acts ({@link Actor}: {@code BLUEGREEN_ACTOR}, else the user and host).
 */
public record Connections(String dockerHost, URI consul, Optional<Secret> consulToken,
                          Optional<String> registryUsername, Optional<Secret> registryPassword, Path dockerConfig,
                          Saving saving, Actor actor) {
    /** Shorter keys are refused: the key must not be guessable. */
    public static final int MIN_STATE_KEY_LENGTH = 32;
    private static final int MAX_STATE_KEY_LENGTH = 4096;

    /**
     * {@code key}: what signs and verifies every record saved in Consul ({@code BLUEGREEN_STATE_KEY}, or the file
     * {@code BLUEGREEN_STATE_KEY_FILE} names; none: unsigned); {@code ledger}: the folder where this machine keeps the
     * newest generation it saw of each service's state ({@code BLUEGREEN_STATE_DIR}, else
     * {@code $XDG_STATE_HOME/bluegreen}, else {@code ~/.local/state/bluegreen}).
     */
    public record Saving(Optional<Secret> key, Path ledger) {
    }

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
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path dockerConfig = nonEmpty(env.get("DOCKER_CONFIG")).map(Path::of).orElse(Path.of(home, ".docker"));
        Optional<Secret> stateKey = stateKey(env, problems);
        Path ledger = nonEmpty(env.get("BLUEGREEN_STATE_DIR")).map(Path::of)
                .orElseGet(() -> nonEmpty(env.get("XDG_STATE_HOME")).map(Path::of).orElse(Path.of(home, ".local", "state"))
                        .resolve("bluegreen"));
        Actor actor = null;
        try {
            actor = nonEmpty(env.get("BLUEGREEN_ACTOR")).map(Actor::new).orElseGet(() -> Actor.user(
                    env.getOrDefault("USER", System.getProperty("user.name")), hostName(env)));
        } catch (InvalidSpecException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
        return new Connections(docker, consul, token, user, password, dockerConfig, new Saving(stateKey, ledger), actor);
    }

    /** The machine's name as its shell gives it ({@code HOSTNAME}), else as the JDK resolves it. */
    private static String hostName(Map<String, String> env) {
        return nonEmpty(env.get("HOSTNAME")).orElseGet(() -> {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "localhost";
            }
        });
    }

    /** {@code BLUEGREEN_STATE_KEY}, or the file {@code BLUEGREEN_STATE_KEY_FILE} names (not both); never echoed. */
    private static Optional<Secret> stateKey(Map<String, String> env, List<String> problems) {
        Optional<String> value = nonEmpty(env.get("BLUEGREEN_STATE_KEY"));
        Optional<String> file = nonEmpty(env.get("BLUEGREEN_STATE_KEY_FILE"));
        if (value.isPresent() && file.isPresent()) {
            problems.add("BLUEGREEN_STATE_KEY and BLUEGREEN_STATE_KEY_FILE: set one of them, not both");
            return Optional.empty();
        }
        String source = value.isPresent() ? "BLUEGREEN_STATE_KEY" : "BLUEGREEN_STATE_KEY_FILE";
        Optional<String> key = value;
        if (file.isPresent()) {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(Path.of(file.get()))) {
                key = nonEmpty(new String(in.readNBytes(MAX_STATE_KEY_LENGTH + 2), java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
                problems.add("BLUEGREEN_STATE_KEY_FILE: cannot read " + file.get() + " (" + e.getClass().getSimpleName() + ")");
                return Optional.empty();
            }
        }
        if (key.isPresent() && (key.get().length() < MIN_STATE_KEY_LENGTH || key.get().length() > MAX_STATE_KEY_LENGTH)) {
            problems.add(source + ": the key must have " + MIN_STATE_KEY_LENGTH + " to " + MAX_STATE_KEY_LENGTH
                    + " characters (`openssl rand -hex 32` makes one)");
            return Optional.empty();
        }
        return key.map(Secret::new);
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
        saving.key().ifPresent(s -> out.add(s.reveal()));
        return out;
    }
}
