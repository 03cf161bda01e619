package io.bluegreen.core.spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Which proxy the flip drives; {@code nginx} is present exactly when {@code type} is NGINX, {@code haproxy}
 * exactly when it is HAPROXY. {@code drain} bounds how long retiring a color waits for its in-flight requests.
 */
public record RouterSpec(Type type, Optional<Nginx> nginx, Optional<Haproxy> haproxy, Duration drain) {

    public enum Type { NGINX, HAPROXY, NONE }

    /** {@code drain} when the spec says none; also what a heal waits, since the state does not keep the spec's. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

    /**
     * The tool owns {@code upstreamFile}; {@code configFile} is the whole config it checks and reloads. The preview
     * route, when given, is a second upstream file the same config includes (upstream {@code SERVICE-preview}).
     */
    public record Nginx(Path upstreamFile, Path configFile, String binary, Optional<Path> previewUpstreamFile) {
    }

    /**
     * {@code socket} is the admin socket (a unix socket path, or host:port); the tool owns the server lines of
     * {@code backendFile}, the file holding the {@code backend} section that HAProxy loads at start. With
     * {@code serverMaxconn}, each server it adds takes at most that many requests at once; HAProxy queues the rest
     * (a server added at run time does not inherit {@code default-server}).
     */
    public record Haproxy(String socket, String backend, Path backendFile, Optional<String> previewBackend,
                          Optional<Integer> serverMaxconn) {
    }

    /** The preview route: the same proxy, driving the preview backend (or upstream file) instead. */
    public Optional<RouterSpec> preview() {
        return switch (type) {
            case NGINX -> nginx.get().previewUpstreamFile().map(f -> new RouterSpec(type,
                    Optional.of(new Nginx(f, nginx.get().configFile(), nginx.get().binary(), Optional.empty())), haproxy, drain));
            case HAPROXY -> haproxy.get().previewBackend().map(b -> new RouterSpec(type, nginx, Optional.of(
                    new Haproxy(haproxy.get().socket(), b, haproxy.get().backendFile(), Optional.empty(),
                            haproxy.get().serverMaxconn())), drain));
            case NONE -> Optional.empty();
        };
    }
}
