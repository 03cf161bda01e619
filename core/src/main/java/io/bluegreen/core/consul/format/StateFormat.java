package io.bluegreen.core.consul.format;

import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.PreviewState;
import io.bluegreen.core.engine.Recipe;
import io.bluegreen.core.engine.ReleaseControl;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.port.RouterRefCheck;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HookSpec;
import io.bluegreen.core.spec.HooksSpec;
import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.PromotionSpec;
import io.bluegreen.core.spec.SpecNode;
import io.bluegreen.core.spec.SpecReader;
import io.bluegreen.core.spec.StopSpec;
import io.bluegreen.core.spec.TargetSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code bluegreen/S/state}'s body, mapped to and from {@link ServiceState} here and nowhere else. Reading checks
 * every field with the spec's own rules where the spec has one (hooks, promotion, analysis, target, networks, health
 * paths), and the shape of what the tool writes elsewhere (replica IDs, endpoints, deploy IDs, moments); each router
 * checks its own options.
 */
final class StateFormat {
    static final Pattern COLOR = Pattern.compile("blue|green");
    static final Pattern DEPLOY_ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9a-f]{4}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]{1,16}:[A-Za-z0-9]{1,128}");
    private static final Pattern ENDPOINT = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?):([0-9]{1,5})");
    private static final Pattern DURATION = Pattern.compile("0|[0-9]{1,9}(ms|s|m|h|d)");
    private static final int MAX_REPLICAS = 1000;
    private final RouterRefCheck routers;

    StateFormat(RouterRefCheck routers) {
        this.routers = routers;
    }

    // --- writing ------------------------------------------------------------------------------------------------

    static Map<String, Object> write(ServiceState s) {
        Map<String, Object> colors = new TreeMap<>();
        if (s.colors() != null) {
            s.colors().forEach((label, cs) -> colors.put(label, color(cs)));
        }
        return new Tree().put("service", s.service()).put("active", s.active()).put("colors", colors)
                .put("router", router(s.router())).put("standbyKeep", s.standbyKeep()).put("drain", s.drain())
                .put("updatedAt", s.updatedAt()).put("target", target(s.target())).put("preview", preview(s.preview()))
                .map();
    }

    private static Map<String, Object> color(ColorState c) {
        return new Tree().put("version", c.version()).put("image", c.image()).put("digest", c.digest())
                .put("deployId", c.deployId()).put("replicas", c.replicas()).put("replicaIds", c.replicaIds())
                .put("endpoints", c.endpoints()).put("since", c.since()).put("standbyUntil", c.standbyUntil())
                .put("recipe", c.recipe() == null ? null : recipe(c.recipe()))
                .put("control", c.control() == null ? null : control(c.control())).map();
    }

    static Map<String, Object> recipe(Recipe r) {
        Tree t = new Tree().put("containerPort", r.containerPort()).put("hostAddress", r.hostAddress())
                .put("healthPath", r.healthPath()).put("healthInterval", r.healthInterval())
                .put("healthTimeout", r.healthTimeout()).put("healthPasses", r.healthPasses())
                .put("healthDeadline", r.healthDeadline()).put("verifyWindow", r.verify().window())
                .put("verifyUrl", r.verify().url()).put("verifyMaxFlipFailures", r.verify().maxFlipFailures())
                .put("networks", r.networks()).put("stopSignal", r.stop().signal()).put("stopTimeout", r.stop().timeout());
        if (r.environment() != null) {
            t.putEvenNull("environment", r.environment()); // even empty: "no variables", where absent is "not recorded"
        }
        return t.map();
    }

    private static Map<String, Object> control(ReleaseControl c) {
        PromotionSpec p = c.promotion();
        Map<String, Object> promotion = new Tree().put("mode", p.mode()).put("timeout", p.timeout()).put("after", p.after())
                .put("steps", p.steps().stream().map(s -> Map.<String, Object>of("weight", s.weight(), "pause", s.pause()))
                        .toList()).map();
        HooksSpec h = c.hooks();
        Map<String, Object> hooks = new Tree().put("prePromotion", hooks(h.prePromotion()))
                .put("postPromotion", hooks(h.postPromotion())).put("onFailure", hooks(h.onFailure())).map();
        return new Tree().put("promotion", promotion).put("hooks", hooks).put("previewUrl", c.previewUrl())
                .put("verifyUrl", c.verifyUrl()).put("maxFlipFailures", c.maxFlipFailures()).put("analysis", c.analysis())
                .map();
    }

    private static List<Map<String, Object>> hooks(List<HookSpec> list) {
        // Templates, as the spec wrote them: a placeholder's value is never saved.
        return list.stream().map(h -> new Tree().put("http", h.http()).put("method", h.method()).put("expect", h.expect())
                .put("times", h.times()).put("headers", h.headers()).put("run", h.run()).put("timeout", h.timeout()).map())
                .toList();
    }

    static Map<String, Object> router(RouterRef r) {
        if (r == null) {
            return null;
        }
        Tree t = new Tree().put("type", r.type());
        return t.put(r.type(), r.options().isEmpty() ? null : new TreeMap<>(r.options())).map();
    }

    private static Map<String, Object> preview(PreviewState p) {
        if (p == null) {
            return null;
        }
        return new Tree().put("color", p.color()).put("version", p.version()).put("since", p.since()).put("until", p.until())
                .put("promoteAt", p.promoteAt()).put("router", router(p.router())).put("production", router(p.production()))
                .put("keep", p.keep()).put("drain", p.drain()).put("url", p.url()).map();
    }

    /** The spec's own {@code target:} form, read back through the spec's reader. */
    private static Map<String, Object> target(TargetSpec t) {
        if (t == null) {
            return null;
        }
        Tree tree = new Tree().put("type", t.type().name().toLowerCase(java.util.Locale.ROOT));
        if (t.type() == TargetSpec.Type.ENGINES) {
            tree.put("strategy", t.strategy().label()).put("constraints", t.constraints())
                    .put("engines", t.engines().stream().map(e -> new Tree().put("name", e.name()).put("host", e.host())
                            .put("address", e.address()).put("labels", e.labels()).put("certPath", e.certPath())
                            .put("consul", e.consul()).map()).toList());
        }
        if (t.swarm() != null) {
            tree.put("swarm", new Tree().put("host", t.swarm().host()).put("certPath", t.swarm().certPath())
                    .put("consulPort", t.swarm().consulPort()).map());
        }
        return tree.put("memory", t.memory() > 0 ? t.memory() / 1024 + "k" : null).put("hostPort", t.hostPort()).map();
    }

    // --- reading ------------------------------------------------------------------------------------------------

    /** The state of {@code service}; problems go to the node's list, each naming its field. */
    ServiceState read(SpecNode n, String service, Signing signing) {
        String named = n.matching("service", SpecReader.SERVICE, "is not a service name", null);
        if (named != null && !named.equals(service)) {
            n.problem("service", "'" + named + "' is stored under the key of " + service);
        }
        String active = n.has("active") ? n.matching("active", COLOR, "is not blue or green", null) : null;
        Map<String, ColorState> colors = new TreeMap<>();
        SpecNode cn = n.child("colors");
        for (String label : cn.keys()) {
            SpecNode c = cn.child(label);
            if (!COLOR.matcher(label).matches()) {
                cn.problem(label, "is not a color (blue, green)");
            } else {
                colors.put(label, color(c, service, label));
            }
        }
        if (active != null && !colors.containsKey(active)) {
            n.problem("active", active + " has no entry under colors");
        }
        RouterRef router = n.has("router") ? router(n.child("router"), signing) : null;
        String keep = duration(n, "standbyKeep");
        String drain = duration(n, "drain");
        String updatedAt = n.instant("updatedAt", false).map(Object::toString).orElse(null);
        TargetSpec target = n.has("target") ? SpecReader.target(n.child("target")) : null;
        PreviewState preview = n.has("preview") ? preview(n.child("preview"), colors, signing) : null;
        n.rejectUnknown();
        return new ServiceState(named, active, colors, router, keep, drain, updatedAt, target, preview);
    }

    private ColorState color(SpecNode c, String service, String label) {
        String version = c.matching("version", SpecReader.TAG, "is not a Docker tag", null);
        String image = image(c, "image");
        String digest = c.has("digest") ? c.matching("digest", DIGEST, "is not an image digest (sha256:...)", null) : null;
        String deployId = c.matching("deployId", DEPLOY_ID, "is not a deploy ID (20261207-164500-a1b2)", null);
        int replicas = c.integer("replicas", 0, MAX_REPLICAS, null);
        List<String> ids = c.strings("replicaIds");
        List<String> endpoints = c.strings("endpoints");
        Pattern idShape = Pattern.compile(Pattern.quote(service + "-" + label + "-") + "[0-9]{8}-[0-9]{6}-[0-9a-f]{4}-[0-9]{1,9}");
        ids.stream().filter(id -> !idShape.matcher(id).matches()).forEach(id -> c.problem("replicaIds",
                SpecNode.quote(id) + " is not a replica of " + service + " " + label + " (" + service + "-" + label
                        + "-DEPLOYID-N)"));
        endpoints.forEach(e -> {
            var m = ENDPOINT.matcher(e);
            if (!m.matches() || Integer.parseInt(m.group(3)) < 1 || Integer.parseInt(m.group(3)) > 65535) {
                c.problem("endpoints", SpecNode.quote(e) + " is not host:port");
            }
        });
        if (ids.size() != endpoints.size()) {
            c.problem("endpoints", ids.size() + " replica IDs but " + endpoints.size() + " endpoints");
        }
        String since = c.instant("since", true).map(Object::toString).orElse(null);
        String standbyUntil = c.instant("standbyUntil", false).map(Object::toString).orElse(null);
        Recipe recipe = c.has("recipe") ? recipe(c.child("recipe")) : null;
        ReleaseControl control = c.has("control") ? control(c.child("control")) : null;
        c.rejectUnknown();
        return new ColorState(version, image, digest, deployId, replicas, List.copyOf(ids), List.copyOf(endpoints), since,
                standbyUntil, recipe, control);
    }

    /** {@code repository:tag}, as a deploy names the image it starts. */
    static String image(SpecNode n, String key) {
        String image = n.requiredString(key);
        if (image == null) {
            return null;
        }
        int colon = image.lastIndexOf(':');
        if (colon < 0 || colon < image.lastIndexOf('/') || !SpecReader.REPOSITORY.matcher(image.substring(0, colon)).matches()
                || !SpecReader.TAG.matcher(image.substring(colon + 1)).matches()) {
            n.problem(key, SpecNode.quote(image) + " is not repository:tag");
            return null;
        }
        return image;
    }

    /** Durations stay text in the domain (as the state always kept them): checked, not converted. */
    private static String duration(SpecNode n, String key) {
        return n.has(key) ? n.matching(key, DURATION, "is not a duration such as 30s or 10m", null) : null;
    }

    static Recipe recipe(SpecNode r) {
        int port = r.integer("containerPort", 1, 65535, null);
        String host = r.matching("hostAddress", SpecReader.IPV4, "is not an IPv4 address", null);
        String path = r.matching("healthPath", SpecReader.HTTP_PATH, "is not an HTTP path starting with '/'", null);
        // Recipes from before the spec refused sub-second intervals keep theirs (Release.recorded raises it).
        String interval = requiredDuration(r, "healthInterval", Duration.ZERO, Duration.ofHours(1));
        String timeout = requiredDuration(r, "healthTimeout", Duration.ZERO, Duration.ofMinutes(5));
        int passes = r.integer("healthPasses", 1, 100, null);
        String deadline = requiredDuration(r, "healthDeadline", Duration.ZERO, Duration.ofHours(2));
        String window = requiredDuration(r, "verifyWindow", Duration.ZERO, Duration.ofHours(1));
        // Recipes from before the probe was kept have none: their releases again are verified by the window alone.
        String url = r.url("verifyUrl").map(java.net.URI::toString).orElse(null);
        Integer maxFlipFailures = r.has("verifyMaxFlipFailures") ? r.integer("verifyMaxFlipFailures", 0, 1_000_000, 0) : null;
        List<String> networks = SpecReader.networks(r);
        // Names only (values may be secrets); recipes from before they were kept have none: unknown, not empty.
        List<String> environment = r.has("environment") ? SpecReader.environmentNames(r, "environment") : null;
        // Recipes from before the spec's stop have none: Docker's own.
        Recipe.Stop stop = new Recipe.Stop(r.has("stopSignal")
                ? r.matching("stopSignal", SpecReader.STOP_SIGNAL, "is not a signal such as SIGTERM", null) : null,
                r.has("stopTimeout") ? requiredDuration(r, "stopTimeout", Duration.ZERO, StopSpec.MAX_TIMEOUT) : null);
        r.rejectUnknown();
        return new Recipe(port, host, path, interval, timeout, passes, deadline,
                new Recipe.Verification(window, url, maxFlipFailures), networks, environment, stop);
    }

    private static String requiredDuration(SpecNode n, String key, Duration min, Duration max) {
        if (!n.has(key)) {
            n.requiredString(key);
            return null;
        }
        Duration d = n.duration(key, min, max, null);
        return d == null ? null : Durations.format(d);
    }

    private static ReleaseControl control(SpecNode c) {
        PromotionSpec promotion = SpecReader.promotion(c.child("promotion"));
        HooksSpec hooks = SpecReader.hooks(c.child("hooks"));
        String previewUrl = c.url("previewUrl").map(Object::toString).orElse(null);
        String verifyUrl = c.url("verifyUrl").map(Object::toString).orElse(null);
        Integer maxFlipFailures = c.has("maxFlipFailures") ? c.integer("maxFlipFailures", 0, 1_000_000, null) : null;
        Map<String, Object> analysis = SpecReader.analysis(c).map(AnalysisSpec::asTree).orElse(null);
        c.rejectUnknown();
        return new ReleaseControl(promotion, hooks, previewUrl, verifyUrl, maxFlipFailures, analysis);
    }

    /** A router reference: its type, and the options under the type's own key, which the router checks. */
    RouterRef router(SpecNode r, Signing signing) {
        String type = r.requiredString("type");
        if (type == null) {
            r.rejectUnknown();
            return null;
        }
        Map<String, String> options = r.has(type) ? r.stringMap(type, Pattern.compile("[A-Za-z][A-Za-z0-9]{0,31}"),
                "is not an option name") : Map.of();
        r.rejectUnknown();
        RouterRef ref = new RouterRef(type, options);
        List<String> problems = routers.problems(ref, r.path(type), signing);
        problems.forEach(r::report);
        return problems.isEmpty() ? ref : null;
    }

    private PreviewState preview(SpecNode p, Map<String, ColorState> colors, Signing signing) {
        String color = p.matching("color", COLOR, "is not blue or green", null);
        if (color != null && !colors.containsKey(color)) {
            p.problem("color", color + " is in preview but has no entry under colors");
        }
        String version = p.matching("version", SpecReader.TAG, "is not a Docker tag", null);
        String since = p.instant("since", true).map(Object::toString).orElse(null);
        String until = p.instant("until", true).map(Object::toString).orElse(null);
        String promoteAt = p.instant("promoteAt", false).map(Object::toString).orElse(null);
        RouterRef router = p.has("router") ? router(p.child("router"), signing) : null;
        RouterRef production = p.has("production") ? router(p.child("production"), signing) : null;
        String keep = duration(p, "keep");
        String drain = duration(p, "drain");
        String url = p.url("url").map(Object::toString).orElse(null);
        p.rejectUnknown();
        return new PreviewState(color, version, since, until, promoteAt, router, production, keep, drain, url);
    }
}
