package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.port.RouterException;
import io.bluegreen.core.engine.port.RouterRefCheck;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.RouterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the router a spec asks for, or the one a service's state refers to; checks a saved reference's options and
 * snapshots ({@link #CHECK}).
 */
public final class Routers {
    /** What the save format asks of each router: its own options, and the shape of the snapshots it takes. */
    public static final RouterRefCheck CHECK = new RouterRefCheck() {
        @Override
        public List<String> problems(RouterRef ref, String path, Signing signing) {
            List<String> problems = new ArrayList<>();
            read(ref, path, signing, problems);
            return problems;
        }

        @Override
        public List<String> snapshotProblems(RouterRef ref, String snapshot, String path) {
            return switch (ref.type()) {
                case NginxOptions.TYPE -> (NginxOptions.runtime(ref) ? NginxRoute.parse(snapshot).problems()
                        : NginxReloadRouter.upstreamProblems(snapshot)).stream().map(p -> path + ": " + p).toList();
                case HaproxyOptions.TYPE -> HaproxyRouter.snapshotProblems(snapshot).stream().map(p -> path + ": " + p).toList();
                default -> List.of(path + ": router type " + ref.type() + " takes no snapshot");
            };
        }
    };

    private Routers() {
    }

    public static TrafficRouter forSpec(RouterSpec spec) {
        return switch (spec.type()) {
            case NGINX -> {
                RouterSpec.Nginx n = spec.nginx().orElseThrow();
                yield new NginxOptions(n.upstreamFile(), n.mode()).router();
            }
            case HAPROXY -> {
                RouterSpec.Haproxy h = spec.haproxy().orElseThrow();
                yield new HaproxyRouter(h.socket(), h.backend(), h.backendFile(), h.serverMaxconn());
            }
            case NONE -> new NoTrafficRouter();
        };
    }

    /**
     * The router {@code ref} names (the store checked it when it read it back); a reference whose options do not
     * check out is refused.
     */
    public static TrafficRouter forRef(RouterRef ref) {
        List<String> problems = new ArrayList<>();
        TrafficRouter router = read(ref, "router", Signing.SIGNED, problems);
        if (!problems.isEmpty()) {
            throw new RouterException("unusable router reference: " + String.join("; ", problems));
        }
        return router;
    }

    private static TrafficRouter read(RouterRef ref, String prefix, Signing signing, List<String> problems) {
        if (ref == null || "none".equals(ref.type())) {
            if (ref != null && !ref.options().isEmpty()) {
                problems.add(prefix + ": router type none has no options");
            }
            return new NoTrafficRouter();
        }
        SavedOptions options = new SavedOptions(prefix, ref.options(), problems);
        return switch (ref.type()) {
            case NginxOptions.TYPE -> {
                NginxOptions n = NginxOptions.read(options, signing, problems);
                yield n == null ? null : n.router();
            }
            case HaproxyOptions.TYPE -> {
                HaproxyOptions h = HaproxyOptions.read(options, problems);
                yield h == null ? null : new HaproxyRouter(h.socket(), h.backend(), h.backendFile(), h.serverMaxconn());
            }
            default -> {
                problems.add(prefix + ": '" + ref.type() + "' is not a router type (nginx, haproxy, none)");
                yield null;
            }
        };
    }
}
