package io.bluegreen.core.spec;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a deployment spec (YAML file, or an already-parsed tree such as Jenkins step parameters) and
 * validates every field before anything else sees it.
 */
public final class SpecReader {
    /** DNS label: it ends up in container names, Consul IDs, file names and URLs. */
    public static final Pattern SERVICE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    public static final Pattern REPOSITORY = Pattern.compile(
            "((localhost|[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(:[0-9]{1,5})?/)?"
                    + "[a-z0-9]+([._-]{1,2}[a-z0-9]+)*(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*");
    public static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    /** A stop signal as a recipe records it (the spec's rule). */
    public static final Pattern STOP_SIGNAL = StopSpec.SIGNAL;
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    public static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    public static final Pattern HTTP_PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*");
    public static final Pattern HAPROXY_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,63}");
    public static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})");
    static final Pattern BUILD_ARG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** A Docker network name as {@code docker network create} takes it. */
    public static final Pattern NETWORK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    static final int MAX_NETWORKS = 8;
    private static final int MAX_SPEC_BYTES = 1 << 20;

    private SpecReader() {
    }

    /** Reads {@code file}; {@code overrides} (e.g. {@code --tag}) replace top-level fields before validation. */
    public static DeploymentSpec read(Path file, Map<String, Object> overrides) {
        return fromTree(readTree(file), file.toAbsolutePath().getParent(), overrides);
    }

    /** The file's fields, parsed but not validated yet. */
    static Map<String, Object> readTree(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_SPEC_BYTES) {
                throw new InvalidSpecException("spec file " + file + ": larger than 1 MiB");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidSpecException("spec file " + file + ": does not exist");
        } catch (IOException e) {
            throw new InvalidSpecException("spec file " + file + ": cannot be read (" + e.getMessage() + ")");
        }
        return parseYaml(text, file.toString());
    }

    static Map<String, Object> parseYaml(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(MAX_SPEC_BYTES);
        Object tree;
        try {
            tree = new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            throw new InvalidSpecException("spec file " + source + ": YAML error at line "
                    + (e.getProblemMark() == null ? "?" : e.getProblemMark().getLine() + 1) + ": " + oneLine(e.getProblem()));
        } catch (YAMLException | IllegalArgumentException e) {
            // SnakeYAML refuses some tags (!=KCC%C at the end of the text) with IllegalArgumentException.
            throw new InvalidSpecException("spec file " + source + ": not valid YAML (" + oneLine(e.getMessage()) + ")");
        }
        if (!(tree instanceof Map<?, ?> m)) {
            throw new InvalidSpecException("spec file " + source + ": expected a mapping of fields at the top, got "
                    + (tree == null ? "nothing" : SpecNode.describe(tree)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** SnakeYAML's messages quote the character they stumbled on, a line break or a terminal escape too. */
    private static String oneLine(String message) {
        return String.valueOf(message).replaceAll("\\p{Cntrl}", "?");
    }

    /** An {@code analysis:} tree as {@link AnalysisSpec#asTree()} wrote it, validated again. */
    public static AnalysisSpec analysis(Map<String, Object> tree) {
        List<String> problems = new ArrayList<>();
        Optional<AnalysisSpec> a = AnalysisReader.read(new SpecNode("", Map.of("analysis", tree), problems));
        if (!problems.isEmpty() || a.isEmpty()) {
            throw new InvalidSpecException(problems.isEmpty() ? List.of("analysis: missing") : problems);
        }
        return a.get();
    }

    /** {@code node}'s {@code analysis}, validated again; empty when it has none. */
    public static Optional<AnalysisSpec> analysis(SpecNode node) {
        return AnalysisReader.read(node);
    }

    /** {@code hooks} as the spec writes it (and a state records it), validated again. */
    public static HooksSpec hooks(SpecNode h) {
        return ReleaseControlReader.hooks(h, null);
    }

    /** {@code promotion} as the spec writes it (and a state records it), validated again; canary steps allowed. */
    public static PromotionSpec promotion(SpecNode p) {
        return ReleaseControlReader.promotion(p, true);
    }

    /** {@code target} as the spec writes it (and a state records it), validated again; its paths are absolute. */
    public static TargetSpec target(SpecNode t) {
        return TargetReader.read(t, Path.of("/"));
    }

    /** The environment variable names listed at {@code key} of {@code node} (a recipe keeps them), validated. */
    public static List<String> environmentNames(SpecNode node, String key) {
        List<String> names = node.strings(key);
        names.stream().filter(n -> !ENV_NAME.matcher(n).matches()).findFirst()
                .ifPresent(n -> node.problem(key, "'" + n.replaceAll("\\p{Cntrl}", "?") + "' is not an environment variable name"));
        return names;
    }

    /** {@code networks} of {@code node}, validated again. */
    public static List<String> networks(SpecNode node) {
        return readNetworks(node);
    }

    /** Validates a parsed tree; relative paths resolve against {@code base}. */
    public static DeploymentSpec fromTree(Map<String, Object> tree, Path base, Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(tree);
        merged.putAll(overrides);
        // YAML reads `tag: 2` as a number; a whole number is clearly meant as text (a decimal is not: 1.10 → 1.1).
        if (merged.get("tag") instanceof Integer i) {
            merged.put("tag", i.toString());
        }
        List<String> problems = new ArrayList<>();
        SpecNode root = new SpecNode("", merged, problems);

        String service = root.matching("service", SERVICE,
                "is not DNS-label-safe: use 1 to 63 of a-z, 0-9 and '-', starting and ending with a letter or digit", null);
        String image = root.matching("image", REPOSITORY,
                "is not an image repository (host[:port]/name, lower case, no tag: put the tag in 'tag')", null);
        String tag = root.matching("tag", TAG,
                "is not a Docker tag (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -)", null);
        Optional<BuildSpec> build = readBuild(root, base);
        boolean push = root.bool("push", false);
        if (push && build.isEmpty()) {
            root.problem("push", "is true but there is no 'build' section: only a built image is pushed");
        }
        int replicas = root.integer("replicas", 1, 200, 1);
        int containerPort = root.integer("containerPort", 1, 65535, null);
        String hostAddress = root.matching("hostAddress", IPV4, "is not an IPv4 address", "127.0.0.1");
        Map<String, String> env = root.stringMap("env", ENV_NAME, "is not an environment variable name");
        env.keySet().stream().filter(k -> k.startsWith("BLUEGREEN_")).forEach(k ->
                root.problem("env", "name '" + k + "' is reserved: the tool sets BLUEGREEN_* variables itself"));
        List<String> networks = readNetworks(root);
        HealthSpec health = readHealth(root.child("health"));
        VerifySpec verify = readVerify(root.child("verify")).withAnalysis(AnalysisReader.read(root));
        SpecNode standby = root.child("standby");
        Duration keep = standby.duration("keep", Duration.ZERO, Duration.ofDays(30), Duration.ofMinutes(10));
        standby.rejectUnknown();
        RouterSpec router = readRouter(root.child("router"), base);
        SpecNode lock = root.child("lock");
        Duration lockWait = lock.duration("wait", Duration.ZERO, Duration.ofHours(1), Duration.ofSeconds(60));
        lock.rejectUnknown();
        TargetSpec target = readTarget(root.child("target"), base);
        Optional<URI> previewUrl = ReleaseControlReader.previewUrl(root.child("preview"));
        HooksSpec hooks = ReleaseControlReader.hooks(root.child("hooks"), base);
        PromotionSpec promotion = ReleaseControlReader.promotion(root.child("promotion"), router.shiftsShares());
        StopSpec stop = StopSpec.read(root.child("stop"));
        root.rejectUnknown();

        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
        return new DeploymentSpec(service, image, tag, build, push, replicas, containerPort, hostAddress,
                Map.copyOf(env), networks, health, verify, keep, router, lockWait, target, promotion, hooks, previewUrl, stop);
    }

    private static Optional<BuildSpec> readBuild(SpecNode root, Path base) {
        if (!root.has("build")) {
            root.child("build");
            return Optional.empty();
        }
        SpecNode b = root.child("build");
        Path context = b.existingPath("context", base, true, true);
        String dockerfile = b.string("dockerfile").orElse("Dockerfile");
        Map<String, String> args = b.stringMap("args", BUILD_ARG, "is not a build-arg name");
        b.rejectUnknown();
        if (context == null) {
            return Optional.empty();
        }
        Path df = context.resolve(dockerfile).normalize();
        if (!df.startsWith(context)) {
            b.problem("dockerfile", "must lie inside the build context " + context);
        } else if (!Files.isRegularFile(df)) {
            b.problem("dockerfile", "file " + df + " does not exist");
        }
        return Optional.of(new BuildSpec(context, context.relativize(df).toString(), Map.copyOf(args)));
    }

    /**
     * The Docker networks every replica joins (besides publishing its port on hostAddress). Whether they exist is a
     * question for the target, asked at preflight.
     */
    private static List<String> readNetworks(SpecNode root) {
        List<String> networks = root.strings("networks");
        Set<String> seen = new HashSet<>();
        for (String n : networks) {
            if (!NETWORK.matcher(n).matches()) {
                root.problem("networks", SpecNode.quote(n) + " is not a Docker network name (up to 128 of A-Z a-z 0-9 _ . -,"
                        + " starting with a letter or digit)");
            } else if (n.equals("host") || n.equals("none")) {
                root.problem("networks", "'" + n + "' is Docker's " + n + " network, where a replica cannot publish its port;"
                        + " name a bridge network (or, on Swarm, an overlay network)");
            } else if (!seen.add(n)) {
                root.problem("networks", "'" + n + "' is named twice");
            }
        }
        if (networks.size() > MAX_NETWORKS) {
            root.problem("networks", "at most " + MAX_NETWORKS + " networks, got " + networks.size());
        }
        return List.copyOf(networks);
    }

    private static HealthSpec readHealth(SpecNode h) {
        String path = h.matching("path", HTTP_PATH, "is not an HTTP path starting with '/'", "/health");
        Duration interval = h.duration("interval", Duration.ZERO, Duration.ofHours(1), Duration.ofSeconds(1));
        if (interval.compareTo(HealthSpec.CONSUL_MIN_INTERVAL) < 0) {
            h.problem("interval", "must be at least " + Durations.format(HealthSpec.CONSUL_MIN_INTERVAL)
                    + " (Consul runs no check more often), got " + Durations.format(interval));
            interval = HealthSpec.CONSUL_MIN_INTERVAL;
        }
        Duration timeout = h.duration("timeout", Duration.ofMillis(100), Duration.ofMinutes(5), Duration.ofSeconds(1));
        int passes = h.integer("passes", 1, 100, 3);
        Duration deadline = h.duration("deadline", Duration.ofSeconds(1), Duration.ofHours(2), Duration.ofSeconds(60));
        h.rejectUnknown();
        if (interval.multipliedBy(passes).compareTo(deadline) > 0) {
            h.problem("deadline", Durations.format(deadline) + " is shorter than " + passes + " passes at "
                    + Durations.format(interval) + ": no replica could pass in time");
        }
        return new HealthSpec(path, interval, timeout, passes, deadline);
    }

    private static VerifySpec readVerify(SpecNode v) {
        Duration window = v.duration("window", Duration.ZERO, Duration.ofHours(1), Duration.ofSeconds(5));
        Optional<URI> url = v.url("url");
        Optional<Integer> maxFlipFailures = v.has("maxFlipFailures")
                ? Optional.of(v.integer("maxFlipFailures", 0, 1_000_000, 0)) : Optional.empty();
        if (maxFlipFailures.isPresent() && url.isEmpty() && !v.has("url")) {
            v.problem("maxFlipFailures", "needs verify.url: the flip is measured by requests through the proxy");
        }
        v.rejectUnknown();
        return new VerifySpec(window, url, maxFlipFailures);
    }

    private static TargetSpec readTarget(SpecNode t, Path base) {
        return TargetReader.read(t, base);
    }

    private static RouterSpec readRouter(SpecNode r, Path base) {
        String type = r.string("type").orElse("none").toLowerCase(Locale.ROOT);
        Duration drain = r.duration("drain", Duration.ZERO, Duration.ofMinutes(10), RouterSpec.DEFAULT_DRAIN);
        SpecNode n = r.child("nginx");
        SpecNode h = r.child("haproxy");
        Optional<RouterSpec.Nginx> nginx = Optional.empty();
        Optional<RouterSpec.Haproxy> haproxy = Optional.empty();
        RouterSpec.Type kind = RouterSpec.Type.NONE;
        switch (type) {
            case "nginx" -> {
                kind = RouterSpec.Type.NGINX;
                nginx = Optional.ofNullable(readNginx(n, base));
            }
            case "haproxy" -> {
                kind = RouterSpec.Type.HAPROXY;
                String socket = adminSocket(h, "socket", base);
                String backend = h.matching("backend", HAPROXY_NAME,
                        "is not an HAProxy backend name (1 to 63 of A-Z a-z 0-9 . _ : -)", null);
                Path backendFile = ownedFile(h, "backendFile", base);
                Optional<String> preview = h.has("previewBackend") ? Optional.ofNullable(h.matching("previewBackend",
                        HAPROXY_NAME, "is not an HAProxy backend name (1 to 63 of A-Z a-z 0-9 . _ : -)", null)) : Optional.empty();
                if (preview.isPresent() && preview.get().equals(backend)) {
                    h.problem("previewBackend", "must not be the production backend " + backend);
                }
                Optional<Integer> maxconn = h.has("serverMaxconn") ? Optional.of(h.integer("serverMaxconn", 1, 100_000, 1))
                        : Optional.empty();
                haproxy = Optional.ofNullable(socket == null || backend == null || backendFile == null ? null
                        : new RouterSpec.Haproxy(socket, backend, backendFile, preview, maxconn));
            }
            case "none" -> { }
            default -> r.problem("type", SpecNode.quote(type) + " is not a router type (nginx, haproxy, none)");
        }
        if (kind != RouterSpec.Type.NGINX && r.has("nginx")) {
            r.problem("nginx", "is only allowed with router.type: nginx");
        }
        if (kind != RouterSpec.Type.HAPROXY && r.has("haproxy")) {
            r.problem("haproxy", "is only allowed with router.type: haproxy");
        }
        n.rejectUnknown();
        h.rejectUnknown();
        r.rejectUnknown();
        return new RouterSpec(kind, nginx, haproxy, drain);
    }

    /**
     * {@code router.nginx}: {@code mode} runtime (the default: {@code admin} required) or reload ({@code configFile}
     * required, {@code binary}); a field of the other mode is refused, so the mode is never chosen silently.
     */
    private static RouterSpec.Nginx readNginx(SpecNode n, Path base) {
        String mode = n.string("mode").orElse("runtime");
        Path upstream = ownedFile(n, "upstreamFile", base);
        Optional<Path> preview = n.has("previewUpstreamFile") ? Optional.ofNullable(ownedFile(n, "previewUpstreamFile", base))
                : Optional.empty();
        if (preview.isPresent() && preview.get().equals(upstream)) {
            n.problem("previewUpstreamFile", "must not be the production upstreamFile");
        }
        RouterSpec.NginxMode driver = null;
        switch (mode) {
            case "runtime" -> {
                for (String f : List.of("configFile", "binary")) {
                    if (n.has(f)) {
                        n.problem(f, "is used only with mode: reload (the runtime mode never reloads nginx)");
                    }
                }
                if (!n.has("admin")) {
                    n.problem("admin", "is required with mode: runtime (the default): the unix socket of nginx's admin"
                            + " server (scripts/nginx-proxy.sh prints it as admin=...); an nginx without"
                            + " libnginx-mod-http-lua needs mode: reload");
                } else {
                    String admin = adminSocket(n, "admin", base);
                    driver = admin == null ? null : new RouterSpec.Runtime(admin);
                }
            }
            case "reload" -> {
                if (n.has("admin")) {
                    n.problem("admin", "is used only with mode: runtime");
                }
                Path config = n.existingPath("configFile", base, false, true);
                driver = config == null ? null : new RouterSpec.Reload(config, n.string("binary").orElse("nginx"));
            }
            default -> n.problem("mode", SpecNode.quote(mode) + " is not an nginx mode (runtime, reload)");
        }
        return upstream == null || driver == null ? null : new RouterSpec.Nginx(upstream, preview, driver);
    }

    /** {@code field}: host:port (a TCP admin socket) as given, or a unix socket path resolved against {@code base}. */
    private static String adminSocket(SpecNode h, String field, Path base) {
        String s = h.requiredString(field);
        if (s == null) {
            return null;
        }
        Matcher tcp = HOST_PORT.matcher(s);
        if (tcp.matches()) {
            int port = Integer.parseInt(tcp.group(3));
            if (port < 1 || port > 65535) {
                h.problem(field, SpecNode.quote(s) + ": the port must be from 1 to 65535");
                return null;
            }
            return s;
        }
        if (s.contains(":")) {
            h.problem(field, SpecNode.quote(s) + " is neither host:port nor a unix socket path");
            return null;
        }
        Path p = base.resolve(s).normalize();
        if (p.getParent() == null || !Files.isDirectory(p.getParent())) {
            h.problem(field, "folder " + p.getParent() + " does not exist");
            return null;
        }
        return p.toString();
    }

    /** The tool writes this file, so only its folder must exist already. */
    private static Path ownedFile(SpecNode n, String key, Path base) {
        String s = n.requiredString(key);
        if (s == null) {
            return null;
        }
        Path p = base.resolve(s).normalize();
        if (p.getParent() == null || !Files.isDirectory(p.getParent())) {
            n.problem(key, "folder " + p.getParent() + " does not exist");
            return null;
        }
        if (Files.isDirectory(p)) {
            n.problem(key, p + " is a folder, not a file");
            return null;
        }
        return p;
    }
}
