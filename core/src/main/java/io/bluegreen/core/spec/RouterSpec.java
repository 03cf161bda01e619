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
     * The tool owns {@code upstreamFile}: the servers nginx loads at start (runtime mode), or the upstream block it
     * includes (reload mode). The preview route, when given, is a second such file (upstream {@code SERVICE-preview}).
     * {@code mode} says how a flip reaches nginx.
     */
    public record Nginx(Path upstreamFile, Optional<Path> previewUpstreamFile, NginxMode mode) {
    }

    /** How a flip reaches nginx. */
    public sealed interface NginxMode permits Runtime, Reload {
    }

    /** Through the admin server on {@code admin} (a unix socket path, or 127.0.0.1:PORT) into the Lua balancer's dictionary. */
    public record Runtime(String admin) implements NginxMode {
    }

    /** For an nginx without the Lua module: {@code configFile} checked with {@code binary -t}, then a reload. */
    public record Reload(Path configFile, String binary) implements NginxMode {
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

    /** Whether the router shifts a share of traffic at run time (canary steps): HAProxy, and nginx in runtime mode. */
    public boolean shiftsShares() {
        return type == Type.HAPROXY || nginx.map(n -> n.mode() instanceof Runtime).orElse(false);
    }

    /** The preview route: the same proxy, driving the preview backend (or upstream file) instead. */
    public Optional<RouterSpec> preview() {
        return switch (type) {
            case NGINX -> nginx.get().previewUpstreamFile().map(f -> new RouterSpec(type,
                    Optional.of(new Nginx(f, Optional.empty(), nginx.get().mode())), haproxy, drain));
            case HAPROXY -> haproxy.get().previewBackend().map(b -> new RouterSpec(type, nginx, Optional.of(
                    new Haproxy(haproxy.get().socket(), b, haproxy.get().backendFile(), Optional.empty(),
                            haproxy.get().serverMaxconn())), drain));
            case NONE -> Optional.empty();
        };
    }
}
