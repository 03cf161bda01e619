package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.port.RouterException;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.RouterSpec;
import java.util.ArrayList;
import java.util.List;

/** Builds the router a spec asks for, or the one a service's state refers to; checks a saved reference's options. */
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

    /** The router {@code ref} names; a reference whose options do not check out is refused. */
    public static TrafficRouter forRef(RouterRef ref) {
        List<String> problems = new ArrayList<>();
        TrafficRouter router = read(ref, "router", problems);
        if (!problems.isEmpty()) {
            throw new RouterException("unusable router reference: " + String.join("; ", problems));
        }
        return router;
    }

    /** What is wrong with a saved reference, each problem naming {@code prefix.type.option}; empty: it is usable. */
    public static List<String> problems(RouterRef ref, String prefix) {
        List<String> problems = new ArrayList<>();
        read(ref, prefix, problems);
        return problems;
    }

    private static TrafficRouter read(RouterRef ref, String prefix, List<String> problems) {
        if (ref == null || "none".equals(ref.type())) {
            if (ref != null && !ref.options().isEmpty()) {
                problems.add(prefix + ": router type none has no options");
            }
            return new NoTrafficRouter();
        }
        SavedOptions options = new SavedOptions(prefix + "." + ref.type(), ref.options(), problems);
        return switch (ref.type()) {
            case NginxOptions.TYPE -> {
                NginxOptions n = NginxOptions.read(options, problems);
                yield n == null ? null : new NginxRouter(n.upstreamFile(), n.configFile(), n.binary());
            }
            case HaproxyOptions.TYPE -> {
                HaproxyOptions h = HaproxyOptions.read(options, problems);
                yield h == null ? null : new HaproxyRouter(h.socket(), h.backend(), h.backendFile(), h.serverMaxconn());
            }
            default -> {
                problems.add(prefix + ".type: '" + ref.type() + "' is not a router type (nginx, haproxy, none)");
                yield null;
            }
        };
    }
}
