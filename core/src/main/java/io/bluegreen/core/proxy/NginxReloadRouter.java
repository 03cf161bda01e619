package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.port.RouterException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.engine.port.TrafficRouter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * nginx's reload mode, for an nginx without the Lua module (router.nginx.mode: reload; {@link NginxRuntimeRouter} flips
 * without a reload). Flips by rewriting the upstream file the tool owns, checking the whole config with {@code nginx -t}
 * (the previous file is put back when the check fails) and reloading with {@code nginx -s reload}.
 */
public final class NginxReloadRouter implements TrafficRouter {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern SERVER = Pattern.compile("server\\s+([A-Za-z0-9.-]+:[0-9]{1,5})(\\s+[^;]*)?;");
    private static final Pattern UPSTREAM_OPEN = Pattern.compile("upstream\\s+[A-Za-z0-9_.-]{1,128}\\s*\\{");
    private static final Pattern UPSTREAM_LINE = Pattern.compile(
            "(server\\s+[A-Za-z0-9.:\\[\\]-]{1,262}(\\s+(weight=[0-9]{1,6}|max_fails=[0-9]{1,6}|fail_timeout=[0-9]{1,6}(ms|s|m|h)?"
                    + "|max_conns=[0-9]{1,9}|down|backup))*"
                    + "|keepalive(_requests|_time|_timeout)?\\s+[0-9]{1,9}(ms|s|m|h)?|least_conn|ip_hash|random|zone\\s+[A-Za-z0-9_-]{1,64}(\\s+[0-9]{1,9}[kKmM]?)?)\\s*;");
    private final Path upstreamFile;
    private final Path configFile;
    private final String binary;
    private final Command.Runner commands;
    private Optional<NginxWorkers> workers;

    public NginxReloadRouter(Path upstreamFile, Path configFile, String binary) {
        this(upstreamFile, configFile, binary, Command::run);
    }

    /** {@code commands} runs nginx's command lines (a test records them). */
    NginxReloadRouter(Path upstreamFile, Path configFile, String binary, Command.Runner commands) {
        this.upstreamFile = upstreamFile;
        this.configFile = configFile;
        this.binary = resolve(binary);
        this.commands = commands;
    }

    @Override
    public String describe() {
        return "nginx (" + upstreamFile + ")";
    }

    @Override
    public void check() {
        if (!Files.isRegularFile(configFile)) {
            throw new SystemUnreachableException("proxy", "nginx config " + configFile + " does not exist", null);
        }
        Command.Result r = runOrUnreachable(binary, "-t", "-q", "-c", configFile.toString());
        if (r.exit() != 0) {
            throw new SystemUnreachableException("proxy", "nginx -t rejects " + configFile + ": " + r.lastLines(), null);
        }
        // A valid config is not a running proxy: a flip could only fail, after replicas were started and gated.
        Optional<NginxWorkers> w = workers();
        if (w.isPresent() && w.get().master().isEmpty()) {
            throw new SystemUnreachableException("proxy", "no nginx master runs for " + configFile + " (its pid file "
                    + w.get().pidFile() + " names no live process); start nginx first", null);
        }
    }

    @Override
    public Optional<String> snapshot() {
        return AtomicFile.read(upstreamFile);
    }

    /** The servers of the upstream file nginx was last reloaded with, but those marked down. */
    @Override
    public Set<Endpoint> liveEndpoints() {
        return snapshot().map(text -> text.lines().map(String::strip).map(SERVER::matcher).filter(Matcher::matches)
                .filter(m -> m.group(2) == null || !m.group(2).contains("down")).map(m -> Endpoint.parse(m.group(1)))
                .collect(Collectors.toSet())).orElse(Set.of());
    }

    @Override
    public void route(String service, List<Endpoint> endpoints, String note) {
        if (endpoints.isEmpty()) {
            throw new RouterException("refusing to route " + service + " to no endpoint at all");
        }
        apply(Optional.of(upstream(service, note, endpoints.stream().map(e -> e + " max_fails=0").toList(), true)));
    }

    /** An upstream with one server marked down: nginx answers 502, and the config stays valid. */
    @Override
    public void clear(String service, String note) {
        apply(Optional.of(upstream(service, note, List.of("127.0.0.1:9 down"), false)));
    }

    private static String upstream(String service, String note, List<String> servers, boolean keepalive) {
        StringBuilder conf = new StringBuilder();
        conf.append("# Written by bluegreen: ").append(note.replaceAll("[\\r\\n]", " ")).append(". Do not edit.\n");
        conf.append("upstream ").append(service).append(" {\n");
        servers.forEach(s -> conf.append("    server ").append(s).append(";\n"));
        if (keepalive) {
            conf.append("    keepalive 32;\n");
        }
        return conf.append("}\n").toString();
    }

    @Override
    public void restore(Optional<String> snapshot) {
        apply(snapshot);
    }

    /** Writes {@code content} (empty: remove the file), checks, reloads; puts the old file back on any failure. */
    private void apply(Optional<String> content) {
        Optional<String> previous = snapshot();
        write(content);
        Command.Result test = runOrUnreachable(binary, "-t", "-q", "-c", configFile.toString());
        if (test.exit() != 0) {
            write(previous);
            throw new RouterException("nginx -t rejected the new upstream file, kept the previous one: " + test.lastLines());
        }
        Optional<NginxWorkers> workers = workers();
        Optional<Long> master = workers.flatMap(NginxWorkers::master);
        Set<Long> before = master.map(m -> workers.get().workers(m)).orElse(Set.of());
        Command.Result reload = runOrUnreachable(binary, "-s", "reload", "-c", configFile.toString());
        if (reload.exit() != 0) {
            write(previous);
            throw new RouterException("nginx -s reload failed, kept the previous upstream file: " + reload.lastLines());
        }
        if (master.isPresent()) {
            awaitReload(workers.get(), master.get(), before);
        }
    }

    private void awaitReload(NginxWorkers workers, long master, Set<Long> before) {
        long end = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
        while (!workers.reloaded(master, before)) {
            if (System.nanoTime() > end) {
                throw new RouterException("nginx (master pid " + master + ") did not finish reloading within "
                        + RELOAD_TIMEOUT.toSeconds() + "s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RouterException("interrupted while nginx reloads", e);
            }
        }
    }

    private Optional<NginxWorkers> workers() {
        if (workers == null) {
            try {
                workers = NginxWorkers.of(commands, binary, configFile);
            } catch (IOException e) {
                workers = Optional.empty();
            }
        }
        return workers;
    }

    private void write(Optional<String> content) {
        AtomicFile.write(upstreamFile, content);
    }

    private Command.Result runOrUnreachable(String... argv) {
        try {
            return commands.run(COMMAND_TIMEOUT, argv);
        } catch (IOException e) {
            throw new SystemUnreachableException("proxy", "cannot run " + argv[0] + ": " + e.getMessage(), e);
        }
    }

    /** {@code nginx} is in /usr/sbin on Debian, which a non-root PATH often lacks. */
    static String resolve(String binary) {
        if (binary.contains("/")) {
            return binary;
        }
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/local/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return Path.of(dir, binary).toString();
            }
        }
        return binary;
    }

    /**
     * What is wrong with {@code text} as an upstream file a repair would write back: only comments, {@code upstream}
     * blocks and the upstream directives a flip or a person's placeholder uses ({@code server} with its usual
     * parameters, {@code keepalive*}, balancing methods, {@code zone}); anything else (an {@code include}, a Lua or Perl
     * block) could make nginx run what the file says.
     */
    static List<String> upstreamProblems(String text) {
        List<String> problems = new java.util.ArrayList<>();
        int depth = 0;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (depth == 0 && UPSTREAM_OPEN.matcher(line).matches()) {
                depth = 1;
            } else if (depth == 1 && line.equals("}")) {
                depth = 0;
            } else if (depth != 1 || !UPSTREAM_LINE.matcher(line).matches()) {
                problems.add("line '" + (line.length() > 60 ? line.substring(0, 60) + "..." : line)
                        + "' is not an upstream block line the tool would write back");
            }
        }
        if (depth != 0) {
            problems.add("an upstream block is not closed");
        }
        return problems;
    }

    /** nginx has no per-upstream counters: old workers are "shutting down" exactly while they finish requests. */
    @Override
    public int inFlight(List<Endpoint> endpoints) {
        Optional<NginxWorkers> w = workers();
        return w.flatMap(NginxWorkers::master).map(m -> w.get().finishing(m)).orElse(0);
    }

    @Override
    public RouterRef ref() {
        return new NginxOptions(upstreamFile, new io.bluegreen.core.spec.RouterSpec.Reload(configFile, binary)).ref();
    }
}
