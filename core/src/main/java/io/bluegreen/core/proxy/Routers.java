package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.RouterState;
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
            case NONE -> new NoTrafficRouter();
        };
    }

    public static TrafficRouter forState(RouterState state) {
        if (state == null || "none".equals(state.type())) {
            return new NoTrafficRouter();
        }
        if ("nginx".equals(state.type())) {
            return new NginxRouter(Path.of(state.upstreamFile()), Path.of(state.configFile()), state.binary());
        }
        throw new IllegalStateException("unknown router type in state: " + state.type());
    }
}
