package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.port.RouterException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.engine.port.TrafficSeries;
import io.bluegreen.core.spec.RouterSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Flips nginx without a reload (router.nginx.mode: runtime): the route, one text ({@link NginxRoute}), is saved in
 * {@code upstreamFile} (what nginx loads at start) and then written through nginx's admin server into the shared
 * dictionary its Lua balancer reads on every request: one atomic write, no worker or connection touched. The answer is
 * the dictionary read back, which every worker reads; a route that does not come back as written, or a refused write,
 * puts the previous file back and is reported. The upstream is the one nginx loads from {@code upstreamFile}.
 */
public final class NginxRuntimeRouter implements TrafficRouter {
    private final Path upstreamFile;
    private final NginxAdmin admin;
    private String upstream;

    public NginxRuntimeRouter(Path upstreamFile, String admin) {
        this.upstreamFile = upstreamFile.toAbsolutePath().normalize();
        this.admin = new NginxAdmin(admin);
    }

    @Override
    public String describe() {
        return "nginx runtime route (admin " + admin.address() + ", " + upstreamFile + ")";
    }

    @Override
    public void check() {
        upstream();
    }

    /**
     * The upstream nginx loads from {@code upstreamFile} ({@code GET /upstreams} lists each with its file): a spec
     * whose file nginx does not load would flip traffic that a restart forgets.
     */
    private String upstream() {
        if (upstream == null) {
            NginxAdmin.Answer a = admin.get("/upstreams");
            if (!a.ok()) {
                throw new SystemUnreachableException("proxy", "nginx's admin server " + admin.address()
                        + " does not list its upstreams (" + a.status() + ": " + firstLine(a.body()) + ")", null);
            }
            upstream = a.body().lines().map(l -> l.split(" ", 2)).filter(f -> f.length == 2
                    && Path.of(f[1]).toAbsolutePath().normalize().equals(upstreamFile)).map(f -> f[0]).findFirst()
                    .orElseThrow(() -> new SystemUnreachableException("proxy", "nginx at " + admin.address()
                            + " loads no upstream from " + upstreamFile + " (it loads: " + a.body().strip().replace("\n", "; ")
                            + "); router.nginx.upstreamFile must be the file its bluegreen_router.declare names", null));
        }
        return upstream;
    }

    /** A route's text, as written, and what it says. */
    private record Text(String text, NginxRoute route) {
        static Text of(String text, String what) {
            NginxRoute.Parsed p = NginxRoute.parse(text);
            return new Text(text, p.route().orElseThrow(() -> new RouterException(what + " does not read as a route: "
                    + String.join("; ", p.problems()))));
        }
    }

    /** What nginx serves now, read from its dictionary, as it was written. */
    private Text served() {
        NginxAdmin.Answer a = admin.get("/upstreams/" + upstream());
        if (!a.ok()) {
            throw new RouterException("nginx's admin server refused to read upstream " + upstream() + ": " + firstLine(a.body()));
        }
        return Text.of(a.body(), "the route nginx serves for " + upstream());
    }

    /** The text nginx serves, comments included, so that a restore puts back exactly what was there. */
    @Override
    public Optional<String> snapshot() {
        Text now = served();
        return now.route().weights().isEmpty() ? Optional.empty() : Optional.of(now.text());
    }

    @Override
    public Set<Endpoint> liveEndpoints() {
        return Set.copyOf(served().route().weights().keySet());
    }

    @Override
    public void route(String service, List<Endpoint> endpoints, String note) {
        if (endpoints.isEmpty()) {
            throw new RouterException("refusing to route " + service + " to no endpoint at all");
        }
        apply(NginxRoute.even(upstream(), usable(endpoints)).text(note));
    }

    private static List<Endpoint> usable(List<Endpoint> endpoints) {
        endpoints.forEach(e -> NginxRoute.unusable(e).ifPresent(p -> {
            throw new RouterException(p);
        }));
        return endpoints;
    }

    @Override
    public void clear(String service, String note) {
        apply(NginxRoute.even(upstream(), List.of()).text(note));
    }

    /** Weights give {@code canary} its share ({@link CanaryWeights}, scaled into 1..{@value NginxRoute#MAX_WEIGHT}). */
    @Override
    public void split(String service, List<Endpoint> canary, int percent, String note) {
        List<Endpoint> stable = served().route().weights().keySet().stream().filter(e -> !canary.contains(e)).toList();
        if (stable.isEmpty() || canary.isEmpty()) {
            throw new RouterException("a canary step needs servers on both sides: " + stable.size() + " routed now, "
                    + canary.size() + " new");
        }
        CanaryWeights shares = CanaryWeights.of(percent, stable.size(), canary.size(), NginxRoute.MAX_WEIGHT);
        Map<Endpoint, Integer> weights = new LinkedHashMap<>();
        stable.forEach(e -> weights.put(e, shares.stable()));
        usable(canary).forEach(e -> weights.put(e, shares.canary()));
        apply(new NginxRoute(upstream(), weights).text(note));
    }

    @Override
    public void restore(Optional<String> snapshot) {
        apply(snapshot.orElse(NginxRoute.even(upstream(), List.of()).text("restored: nothing was routed")));
    }

    /**
     * Saves the route {@code text} where nginx loads it at start, then writes it into the dictionary and checks the
     * answer (the dictionary read back); on any failure the file nginx would load is put back to what it serves.
     */
    private void apply(String text) {
        NginxRoute route = Text.of(text, "the route to write").route();
        if (!route.upstream().equals(upstream())) {
            throw new RouterException("a route of upstream " + route.upstream() + " cannot go onto " + upstream());
        }
        Text before = served();
        AtomicFile.write(upstreamFile, Optional.of(text));
        try {
            NginxAdmin.Answer a = admin.put("/upstreams/" + upstream(), text);
            if (!a.ok()) {
                throw new RouterException("nginx's admin server refused the route (" + a.status() + "): " + firstLine(a.body()));
            }
            Optional<NginxRoute> back = NginxRoute.parse(a.body()).route();
            if (back.isEmpty() || !back.get().weights().equals(route.weights())) {
                throw new RouterException("nginx's dictionary does not read back the route written for " + upstream()
                        + ": " + firstLine(a.body()));
            }
        } catch (RuntimeException e) {
            try {
                AtomicFile.write(upstreamFile, Optional.of(before.text()));
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** Counted by the balancer per server, decremented when nginx logs the request. */
    @Override
    public int inFlight(List<Endpoint> endpoints) {
        NginxAdmin.Answer a = admin.get("/inflight/" + upstream());
        if (!a.ok()) {
            throw new RouterException("nginx's admin server did not count in-flight requests: " + firstLine(a.body()));
        }
        Set<String> wanted = endpoints.stream().map(Endpoint::toString).collect(Collectors.toSet());
        return a.body().lines().map(l -> l.split(" ")).filter(f -> f.length == 2 && wanted.contains(f[0])
                && f[1].matches("[0-9]{1,9}")).mapToInt(f -> Integer.parseInt(f[1])).sum();
    }

    /** The upstream's name labels its series, so nginx is asked for it: an nginx that does not answer throws. */
    @Override
    public Optional<TrafficSeries> metrics() {
        return Optional.of(new NginxSeries(upstream()));
    }

    @Override
    public RouterRef ref() {
        return new NginxOptions(upstreamFile, new RouterSpec.Runtime(admin.address())).ref();
    }

    private static String firstLine(String s) {
        String l = s.strip().lines().findFirst().orElse("(nothing)");
        return l.length() > 200 ? l.substring(0, 200) + "..." : l;
    }
}
