package io.bluegreen.core.spec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The spec's release control: {@code preview}, {@code hooks} and {@code promotion}. */
final class ReleaseControlReader {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT");
    private static final int MAX_HOOKS = 20;
    private static final int MAX_STEPS = 10;

    private ReleaseControlReader() {
    }

    /** {@code preview.url}: where probes and hooks reach the color in preview (the preview route's address). */
    static Optional<URI> previewUrl(SpecNode p) {
        Optional<URI> url = p.url("url");
        p.rejectUnknown();
        return url;
    }

    /**
     * {@code base}: the spec's folder, against which a command given as a relative path ({@code ./smoke.sh},
     * {@code ci/check}) and a {@code {file:PATH}} placeholder's relative path are resolved, so that they work wherever
     * the tool runs and are recorded absolute; null for hooks read back from a state, which are recorded as they are to
     * run.
     */
    static HooksSpec hooks(SpecNode h, Path base) {
        HooksSpec hooks = new HooksSpec(list(h, "prePromotion", false, base), list(h, "postPromotion", false, base),
                list(h, "onFailure", true, base));
        h.rejectUnknown();
        return hooks;
    }

    private static List<HookSpec> list(SpecNode h, String key, boolean posts, Path base) {
        List<HookSpec> out = new ArrayList<>();
        List<SpecNode> entries = h.mappings(key);
        if (entries.size() > MAX_HOOKS) {
            h.problem(key, "at most " + MAX_HOOKS + " hooks, got " + entries.size());
        }
        for (SpecNode e : entries) {
            HookSpec hook = hook(e, posts, base);
            if (hook != null) {
                out.add(hook);
            }
        }
        return out;
    }

    /** Exactly one of {@code http} and {@code run}; an onFailure webhook defaults to POST (it carries what happened). */
    private static HookSpec hook(SpecNode e, boolean posts, Path base) {
        boolean http = e.has("http");
        boolean run = e.has("run");
        if (http == run) {
            e.string("http");
            e.strings("run");
            e.problem("http", "a hook is either http: URL or run: [command, args...], exactly one of them");
            e.rejectUnknown();
            return null;
        }
        HookSpec out = null;
        if (http) {
            String url = HookRequestReader.url(e, "http", base);
            Map<String, String> headers = HookRequestReader.headers(e, "headers", base);
            String method = e.string("method").orElse(posts ? "POST" : "GET").toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                e.problem("method", SpecNode.quote(method) + " is not one of GET, HEAD, POST, PUT");
            }
            int expect = e.integer("expect", 100, 599, 200);
            int times = e.integer("times", 1, 1000, 1);
            Duration timeout = e.duration("timeout", Duration.ofMillis(100), Duration.ofMinutes(10), Duration.ofSeconds(10));
            if (url != null) {
                out = new HookSpec(url, method, expect, times, headers, null, Durations.format(timeout));
            }
        } else {
            List<String> argv = e.strings("run");
            Duration timeout = e.duration("timeout", Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(60));
            if (argv.isEmpty()) {
                e.problem("run", "must name a command: [command, args...]");
            } else {
                out = new HookSpec(null, null, null, null, null, resolved(argv, base), Durations.format(timeout));
            }
        }
        e.rejectUnknown();
        return out;
    }

    /** A command named by a path with a folder in it, relative, is taken from {@code base}; a bare name from PATH. */
    private static List<String> resolved(List<String> argv, Path base) {
        String command = argv.get(0);
        if (base == null || !command.contains("/") || command.startsWith("/")) {
            return List.copyOf(argv);
        }
        List<String> out = new ArrayList<>(argv);
        out.set(0, base.toAbsolutePath().resolve(command).normalize().toString());
        return List.copyOf(out);
    }

    static PromotionSpec promotion(SpecNode p, boolean canSplit) {
        String mode = p.string("mode").orElse("auto").toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("manual")) {
            p.problem("mode", SpecNode.quote(mode) + " is not a promotion mode (auto, manual)");
        }
        Duration timeout = p.duration("timeout", Duration.ofSeconds(1), Duration.ofDays(7), Duration.ofHours(1));
        Duration after = p.has("after") ? p.duration("after", Duration.ofSeconds(1), Duration.ofDays(7), null) : null;
        if (after != null && after.compareTo(timeout) >= 0) {
            p.problem("after", Durations.format(after) + " is not before promotion.timeout (" + Durations.format(timeout)
                    + "): the preview would be aborted before it is promoted");
        }
        List<PromotionSpec.Step> steps = new ArrayList<>();
        List<SpecNode> entries = p.mappings("steps");
        if (entries.size() > MAX_STEPS) {
            p.problem("steps", "at most " + MAX_STEPS + " steps, got " + entries.size());
        }
        if (!entries.isEmpty() && !canSplit) {
            p.problem("steps", "need router.type: haproxy, or nginx in mode: runtime (they shift shares through server"
                    + " weights at run time; nginx in reload mode cannot without a reload, and no router has no traffic to share)");
        }
        int last = 0;
        for (SpecNode s : entries) {
            int weight = s.integer("weight", 1, 99, null);
            Duration pause = s.duration("pause", Duration.ZERO, Duration.ofHours(1), Duration.ofSeconds(30));
            s.rejectUnknown();
            if (weight <= last) {
                s.problem("weight", "must grow from step to step (" + weight + " after " + last + ")");
            }
            last = Math.max(last, weight);
            steps.add(new PromotionSpec.Step(weight, Durations.format(pause)));
        }
        p.rejectUnknown();
        return new PromotionSpec(mode, Durations.format(timeout), after == null ? null : Durations.format(after), steps);
    }
}
