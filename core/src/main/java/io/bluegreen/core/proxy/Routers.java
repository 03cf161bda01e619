package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.RouterState;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.RouterSpec;
import java.nio.file.Path;

/** Builds the router a spec asks for, or the one recorded in a service's state. */
public final class Routers {
    private Routers() {
    }

    public static TrafficRouter forSpec(RouterSpec spec) {
        return switch (spec.type()) {
            case NGINX -> {
                RouterSpec.Nginx n = spec.nginx().orElseThrow();
                yield new NginxRouter(n.upstreamFile(), n.configFile(), n.binary());
            }
            case HAPROXY -> {
                RouterSpec.Haproxy h = spec.haproxy().orElseThrow();
                yield new HaproxyRouter(h.socket(), h.backend(), h.backendFile(), h.serverMaxconn());
            }
            case NONE -> new NoTrafficRouter();
        };
    }

    public static TrafficRouter forState(RouterState state) {
        if (state == null || "none".equals(state.type())) {
            return new NoTrafficRouter();
        }
        return switch (state.type()) {
            case "nginx" -> new NginxRouter(Path.of(state.upstreamFile()), Path.of(state.configFile()), state.binary());
            case "haproxy" -> new HaproxyRouter(state.socket(), state.backend(), Path.of(state.backendFile()),
                    java.util.Optional.ofNullable(state.serverMaxconn()));
            default -> throw new IllegalStateException("unknown router type in state: " + state.type());
        };
    }
}
