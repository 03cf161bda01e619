import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.proxy.HaproxyRouter;
import io.bluegreen.core.proxy.NginxReloadRouter;
import io.bluegreen.core.proxy.NginxRuntimeRouter;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.SpecReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flip benchmark (run it with bench/flip.sh). One run on loopback: two real colors of the example app
 * (deployed by the engine), the deploys' HAProxy (servers with MAXCONN), a second HAProxy whose servers have no
 * maxconn, a real nginx in runtime mode (the Lua balancer, no reload) and one in reload mode, both driven by the tool,
 * a third nginx flipped the naive way (rewrite the upstream file, plain `nginx -s reload`, no check, no wait) and one
 * with client keep-alive off (reload mode). With bench.part=nginx, only nginx's two modes beside HAProxy at each of
 * NGINX_SWEEP's connection counts. Through each, wrk keeps a steady
 * keep-alive load; first a window without flips (steady state), then a window with FLIPS flips. A prober
 * requests /info.json back to back to time each flip (command issued → first answer from the new color). The
 * HAProxy rows (and their sweep over SWEEP connection counts) run first, the nginx rows last. Then
 * rollback-to-standby (the engine's StandbyRollback) is timed end to end, and last the CLI as a person runs it.
 * Everything it creates carries one service name and is removed at the end.
 */
public final class FlipBench {
    static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    static final int FLIPS = Integer.getInteger("bench.flips", 20);
    static final int REPLICAS = Integer.getInteger("bench.replicas", 6);
    static final int CONNECTIONS = Integer.getInteger("bench.connections", 12);
    static final int STEADY_SECONDS = Integer.getInteger("bench.steady", 6);
    static final int FLIP_INTERVAL_MS = Integer.getInteger("bench.interval", 500);
    static final int ROLLBACKS = Integer.getInteger("bench.rollbacks", 10);
    /** The HAProxy flip runs again at each of these connection counts: failed requests per flip against the load. */
    static final List<Integer> SWEEP = java.util.Arrays.stream(System.getProperty("bench.sweep", "12,32,64").split(","))
            .map(Integer::valueOf).toList();
    /**
     * {@code all}: every part below; {@code nginx}: only nginx's two modes beside HAProxy at each of NGINX_SWEEP's
     * connection counts (the same replicas, the same load, one run).
     */
    static final String PART = System.getProperty("bench.part", "all");
    static final List<Integer> NGINX_SWEEP = java.util.Arrays.stream(System.getProperty("bench.nginxSweep", "16,32,64").split(","))
            .map(Integer::valueOf).toList();
    /** Load (keep-alive connections through HAProxy) under which the CLI's rollback and deploy are timed. */
    static final int LOAD = Integer.getInteger("bench.load", 32);
    static final int CLI_ROLLBACKS = Integer.getInteger("bench.cliRollbacks", 20);
    static final int CLI_DEPLOYS = Integer.getInteger("bench.cliDeploys", 2);
    /**
     * router.haproxy.serverMaxconn of the deploys (0: none): requests beyond it wait in HAProxy's queue, not in the
     * replica's accept backlog (busybox httpd's is 9). With it, a second HAProxy whose servers have no maxconn is
     * flipped beside it at every connection count, for the comparison.
     */
    static final int MAXCONN = Integer.getInteger("bench.maxconn", 8);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        String service = "bench-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(9);
        List<Runnable> cleanUp = new ArrayList<>();
        try (BlueGreen bg = BlueGreen.connect(Connections.fromEnvironment(System.getenv()))) {
            try {
                bench(bg.systems(), service, deadline, cleanUp);
            } finally {
                Collections.reverse(cleanUp);
                cleanUp.forEach(r -> {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        System.err.println("clean-up: " + e.getMessage());
                    }
                });
            }
        }
    }

    static void bench(Systems sys, String service, long deadline, List<Runnable> cleanUp) throws Exception {
        cleanUp.add(() -> removeService(sys, service));
        Map<String, String> hap = proxy("haproxy", service + "-hap", service, cleanUp);
        // The comparison: the same HAProxy config, its servers added without a maxconn (flipped by the bench alone).
        Map<String, String> bare = MAXCONN > 0 ? proxy("haproxy", service + "-bare", service, cleanUp) : null;
        Map<String, String> ngx = proxy("nginx", service + "-ngx", service, cleanUp, "runtime");
        Map<String, String> ngxReload = proxy("nginx", service + "-ngxr", service, cleanUp, "reload");
        Map<String, String> naive = PART.equals("all") ? proxy("nginx", service + "-naive", service, cleanUp, "reload") : null;
        Map<String, String> noKeepalive = PART.equals("all") ? proxy("nginx", service + "-nokeep", service, cleanUp, "reload") : null;
        if (noKeepalive != null) {
            clientKeepaliveOff(noKeepalive, service);
        }

        say("deploying v1 (blue) and v2 (green) of the example app, " + REPLICAS + " replicas each, behind HAProxy");
        Path dir = Files.createTempDirectory("flipbench");
        for (String tag : List.of("v1", "v2")) {
            Path spec = dir.resolve(tag + ".yml");
            Files.writeString(spec, """
                    service: %s
                    image: 127.0.0.1:5000/vote
                    tag: %s
                    build: { context: %s, args: { VERSION: %s } }
                    push: true
                    replicas: %d
                    containerPort: 8080
                    health: { path: /health, interval: 1s, passes: 2, deadline: 30s }
                    verify: { window: 1s, url: "%s" }
                    standby: { keep: 1h }
                    router:
                      type: haproxy
                      haproxy: { socket: %s, backend: %s, backendFile: %s%s }
                    """.formatted(service, tag, ROOT.resolve("examples/vote"), tag, REPLICAS, hap.get("url"),
                    hap.get("socket"), hap.get("backend"), hap.get("backendFile"),
                    MAXCONN > 0 ? ", serverMaxconn: " + MAXCONN : ""));
            new Deployer(sys, e -> { }).deploy(SpecReader.read(spec, Map.of()));
        }
        List<Path> specs = List.of(dir.resolve("v1.yml"), dir.resolve("v2.yml"));
        List<Endpoint> blue = endpoints(sys, service, "blue");
        List<Endpoint> green = endpoints(sys, service, "green");

        java.util.function.LongSupplier drops = () -> listenDrops(sys, service);
        List<Row> rows = new ArrayList<>();
        TrafficRouter haproxy = new HaproxyRouter(hap.get("socket"), hap.get("backend"), Path.of(hap.get("backendFile")),
                MAXCONN > 0 ? java.util.Optional.of(MAXCONN) : java.util.Optional.empty());
        Flip hapFlip = (to, c) -> haproxy.route(service, to, "bench " + c);
        String hapName = MAXCONN > 0 ? "HAProxy, serverMaxconn " + MAXCONN : "HAProxy, no server maxconn";
        TrafficRouter bareRouter = bare == null ? null
                : new HaproxyRouter(bare.get("socket"), bare.get("backend"), Path.of(bare.get("backendFile")), java.util.Optional.empty());
        Flip bareFlip = (to, c) -> bareRouter.route(service, to, "bench " + c);
        TrafficRouter nginx = new NginxRuntimeRouter(Path.of(ngx.get("upstreamFile")), ngx.get("admin"));
        Flip nginxFlip = (to, c) -> nginx.route(service, to, "bench " + c);
        TrafficRouter reload = new NginxReloadRouter(Path.of(ngxReload.get("upstreamFile")), Path.of(ngxReload.get("configFile")), "nginx");
        Flip reloadFlip = (to, c) -> reload.route(service, to, "bench " + c);
        if (PART.equals("nginx")) {
            // side by side at each connection count: HAProxy's runtime API, nginx's Lua balancer, nginx's checked reload;
            // each row starts once the rows before have left the TIME_WAIT table (busybox closes every connection)
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
            record Router(String name, String url, Flip flip) {
            }
            List<Router> side = List.of(new Router(hapName, hap.get("url"), hapFlip),
                    new Router("nginx runtime (Lua balancer, tool)", ngx.get("url"), nginxFlip),
                    new Router("nginx reload (checked, tool)", ngxReload.get("url"), reloadFlip));
            for (int c : NGINX_SWEEP) {
                for (Router r : side) {
                    drainTimeWait(end);
                    rows.add(run(r.name(), r.url(), c, blue, green, r.flip(), drops));
                }
            }
            printTable(rows);
            haproxy.route(service, endpoints(sys, service, sys.store().readState(service).value().activeColor().orElseThrow().label()),
                    "bench: back to the active color");
            return;
        }
        rows.add(run(hapName, hap.get("url"), CONNECTIONS, blue, green, hapFlip, drops));
        if (bare != null) {
            rows.add(run("HAProxy, no server maxconn", bare.get("url"), CONNECTIONS, blue, green, bareFlip, drops));
        }
        for (int c : SWEEP) {
            if (System.nanoTime() < deadline) {
                rows.add(run(hapName, hap.get("url"), c, blue, green, hapFlip, drops));
            }
            if (bare != null && System.nanoTime() < deadline) {
                rows.add(run("HAProxy, no server maxconn", bare.get("url"), c, blue, green, bareFlip, drops));
            }
        }
        // nginx last. Every row opens a connection per request to the replicas (busybox closes each), so the host's
        // TIME_WAIT table fills; the nginx rows take it to its limit (net.ipv4.tcp_max_tw_buckets, 131,072 here). An
        // HAProxy row run right after them stalled on SYN retransmissions (HAProxy's timers: 1 s connects, 2 s
        // connect timeouts) in all five runs of that order, with a server maxconn or without: a measure of what the
        // rows before left, not of the flip.
        TrafficRouter nokeep = new NginxReloadRouter(Path.of(noKeepalive.get("upstreamFile")),
                Path.of(noKeepalive.get("configFile")), "nginx");
        if (System.nanoTime() < deadline) {
            rows.add(run("nginx runtime (Lua balancer, tool)", ngx.get("url"), CONNECTIONS, blue, green, nginxFlip, drops));
        }
        if (System.nanoTime() < deadline) {
            rows.add(run("nginx reload (checked, tool)", ngxReload.get("url"), CONNECTIONS, blue, green, reloadFlip, drops));
        }
        if (System.nanoTime() < deadline) {
            rows.add(run("nginx naive (rewrite + reload)", naive.get("url"), CONNECTIONS, blue, green,
                    (to, c) -> naiveFlip(naive, service, to), drops));
        }
        if (System.nanoTime() < deadline) {
            rows.add(run("nginx, keepalive_timeout 0 (tool)", noKeepalive.get("url"), CONNECTIONS, blue, green,
                    (to, c) -> nokeep.route(service, to, "bench " + c), drops));
        }
        printTable(rows);
        // The runs above flipped HAProxy behind the engine's back: put back the color the state says is active.
        haproxy.route(service, endpoints(sys, service, sys.store().readState(service).value().activeColor().orElseThrow().label()),
                "bench: back to the active color");

        say("rollback to the warm standby (bluegreen rollback), " + ROLLBACKS + " times, through HAProxy");
        List<Long> commandMs = new ArrayList<>();
        List<Long> endToEndMs = new ArrayList<>();
        // The rows above leave the host's TIME_WAIT table near full, and the replicas' Consul checks time out while
        // it is: let it drain (each entry lives 60 s) so what follows measures the tool, not the rows before.
        drainTimeWait(deadline);
        int refused = 0;
        for (int i = 0; i < ROLLBACKS && System.nanoTime() < deadline; i++) {
            String standby = sys.store().readState(service).value().activeColor().orElseThrow().other().label();
            long t0 = System.nanoTime();
            Prober prober = Prober.start(hap.get("url"), standby, t0);
            long ms;
            try {
                ms = new StandbyRollback(sys, e -> { }).rollback(service).durationMs();
            } catch (io.bluegreen.core.engine.RefusedException e) {
                prober.stop();
                if (!e.getMessage().contains("not fully healthy")) {
                    throw e;
                }
                // the standby's checks failed for a moment (a saturated machine): counted, not timed
                refused++;
                Thread.sleep(1000);
                continue;
            }
            commandMs.add(ms);
            endToEndMs.add(prober.await());
        }
        System.out.printf(Locale.ROOT, "%nrollback to standby (%d runs, %d refused: the standby not fully healthy at that moment): "
                        + "command p50 %d ms, p99 %d ms; command issued -> first answer from the standby color p50 %d ms, p99 %d ms%n",
                commandMs.size(), refused, pct(commandMs, 50), pct(commandMs, 99), pct(endToEndMs, 50), pct(endToEndMs, 99));
        cli(sys, service, hap.get("url"), specs, deadline, cleanUp);
    }

    /**
     * The CLI as a person runs it (bin/bluegreen, JVM start included), idle and under LOAD keep-alive connections
     * through HAProxy: CLI_ROLLBACKS rollbacks through its own JVM (wall time next to the time the command reports),
     * CLI_ROLLBACKS through a running heal server (BLUEGREEN_HEAL_URL: wall time), then CLI_DEPLOYS deploys (wall,
     * reported, and the retire phase from the --json events). The heal server is stopped through {@code cleanUp}.
     */
    static void cli(Systems sys, String service, String url, List<Path> specs, long deadline, List<Runnable> cleanUp)
            throws Exception {
        Map<String, List<Long>> t = new java.util.LinkedHashMap<>();
        Map<String, Integer> failedDeploys = new HashMap<>();
        Map<String, Integer> refusals = new HashMap<>();
        String[] loads = {"idle", "under load"};
        Map<String, String> viaServer = CLI_ROLLBACKS > 0 ? startHealServer(service, cleanUp) : Map.of();
        for (String load : loads) {
            Process wrk = load.equals("idle") ? null : startWrk(url, 300, LOAD);
            try {
                say("bin/bluegreen rollback x" + CLI_ROLLBACKS + " (its JVM), x" + CLI_ROLLBACKS
                        + " (through the heal server), then deploy x" + CLI_DEPLOYS + ", " + load);
                for (int i = 0; i < CLI_ROLLBACKS && System.nanoTime() < deadline; i++) {
                    Cli r = Cli.run(List.of("rollback", "-s", service, "--json"), Map.of());
                    if (refused(r, load, refusals)) {
                        continue;
                    }
                    t.computeIfAbsent("rollback wall " + load, k -> new ArrayList<>()).add(r.wallMs());
                    t.computeIfAbsent("rollback reported " + load, k -> new ArrayList<>()).add(r.event("\"type\":\"result\""));
                }
                for (int i = 0; i < CLI_ROLLBACKS && System.nanoTime() < deadline; i++) {
                    Cli r = Cli.run(List.of("rollback", "-s", service), viaServer);
                    if (r.err().contains("rolling back here")) {
                        throw new IllegalStateException("the rollback did not go through the heal server: " + r.err());
                    }
                    if (refused(r, load, refusals)) {
                        continue;
                    }
                    t.computeIfAbsent("rollback via server " + load, k -> new ArrayList<>()).add(r.wallMs());
                }
                for (int i = 0; i < CLI_DEPLOYS && System.nanoTime() < deadline; i++) {
                    String active = activeTag(sys, service);
                    Cli d = Cli.run(List.of("deploy", "-f", specs.get(active.equals("v1") ? 1 : 0).toString(), "--json"), Map.of());
                    if (d.exit() == 1) {
                        // Failed and rolled back (say, a replica starved past its health check): counted, not timed.
                        failedDeploys.merge(load, 1, Integer::sum);
                        continue;
                    }
                    d.succeeded();
                    t.computeIfAbsent("deploy wall " + load, k -> new ArrayList<>()).add(d.wallMs());
                    t.computeIfAbsent("deploy reported " + load, k -> new ArrayList<>()).add(d.event("\"type\":\"result\""));
                    t.computeIfAbsent("deploy retire " + load, k -> new ArrayList<>())
                            .add(d.event("\"type\":\"phase-end\".*\"phase\":\"retire\""));
                }
            } finally {
                if (wrk != null) {
                    wrk.destroy();
                    wrk.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nbin/bluegreen from the shell (JVM start included); load: wrk -t2 -c%d keep-alive through HAProxy%n", LOAD);
        System.out.printf(Locale.ROOT, "%-22s %26s %26s%n", "", "idle p50/p99 (n)", "under load p50/p99 (n)");
        for (String what : List.of("rollback wall", "rollback reported", "rollback via server", "deploy wall",
                "deploy reported", "deploy retire")) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", what));
            for (String load : loads) {
                List<Long> v = t.getOrDefault(what + " " + load, List.of());
                line.append(String.format(Locale.ROOT, " %26s", pct(v, 50) + " / " + pct(v, 99) + " ms (" + v.size() + ")"));
            }
            System.out.println(line);
        }
        System.out.printf(Locale.ROOT, "deploys failed and rolled back: %d idle, %d under load%n",
                failedDeploys.getOrDefault("idle", 0), failedDeploys.getOrDefault("under load", 0));
        System.out.printf(Locale.ROOT, "rollbacks refused (the standby not fully healthy at that moment): %d idle, %d under load%n",
                refusals.getOrDefault("idle", 0), refusals.getOrDefault("under load", 0));
        System.out.println("rollback via server: bin/bluegreen rollback -s S with BLUEGREEN_HEAL_URL set (curl to a running "
                + "bluegreen heal-server, no JVM started), wall time from the shell");
    }

    /**
     * A rollback refused because the standby is not fully healthy (exit 1, "not fully healthy": its checks time out on
     * a saturated machine) is counted, not timed, and given a second for the checks to pass again; any other failure
     * ends the benchmark.
     */
    static boolean refused(Cli r, String load, Map<String, Integer> refusals) throws InterruptedException {
        if (r.exit() == 1 && (r.err() + r.out()).contains("not fully healthy")) {
            refusals.merge(load, 1, Integer::sum);
            Thread.sleep(1000);
            return true;
        }
        r.succeeded();
        return false;
    }

    /**
     * Starts {@code bin/bluegreen heal-server} for {@code service} on a free loopback port and gives the environment
     * that sends {@code bin/bluegreen rollback} through it. Stopped (and its log removed) by {@code cleanUp}, which
     * runs in reverse: before the service it heals is removed.
     */
    static Map<String, String> startHealServer(String service, List<Runnable> cleanUp) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String secret = java.util.UUID.randomUUID().toString();
        Path log = Files.createTempFile("flipbench-heal-server", ".log");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/bluegreen").toString(), "heal-server",
                "--listen", "127.0.0.1:" + port, "-s", service).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("BLUEGREEN_HEAL_SECRET", secret);
        Process server = pb.start();
        cleanUp.add(() -> {
            server.destroy();
            try {
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                Files.deleteIfExists(log);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains("listening on")) {
            if (!server.isAlive() || System.nanoTime() > end) {
                server.destroyForcibly();
                throw new IllegalStateException("bluegreen heal-server did not start listening within 30 s:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return Map.of("BLUEGREEN_HEAL_URL", "http://127.0.0.1:" + port, "BLUEGREEN_HEAL_SECRET", secret);
    }

    static String activeTag(Systems sys, String service) {
        ServiceState st = sys.store().readState(service).value();
        return st.color(st.activeColor().orElseThrow()).orElseThrow().version();
    }

    /** One bin/bluegreen run (at most 2 minutes) with {@code env} added: its wall time, stdout, stderr and exit code. */
    record Cli(long wallMs, String out, String err, int exit) {
        static Cli run(List<String> args, Map<String, String> env) throws Exception {
            List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/bluegreen").toString()));
            command.addAll(args);
            Path err = Files.createTempFile("flipbench-cli", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
            pb.environment().remove("BLUEGREEN_HEAL_URL");
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("bluegreen " + args + " did not finish in 2 minutes");
            }
            long wall = (System.nanoTime() - t0) / 1_000_000;
            String stderr = Files.readString(err);
            Files.delete(err);
            return new Cli(wall, out, stderr, p.exitValue());
        }

        Cli succeeded() {
            if (exit != 0) {
                throw new IllegalStateException("bluegreen exited " + exit + ":\n" + out + err);
            }
            return this;
        }

        /** durationMs of the first --json event line matching {@code pattern}. */
        long event(String pattern) {
            Pattern line = Pattern.compile(pattern);
            return out.lines().filter(l -> line.matcher(l).find()).findFirst()
                    .map(l -> Pattern.compile("\"durationMs\":(\\d+)").matcher(l)).filter(Matcher::find)
                    .map(m -> Long.parseLong(m.group(1)))
                    .orElseThrow(() -> new IllegalStateException("no event " + pattern + " in:\n" + out));
        }
    }

    interface Flip {
        void to(List<Endpoint> endpoints, String color) throws Exception;
    }

    record Wrk(long requests, double seconds, long connectErrors, long readErrors, long writeErrors, long timeouts,
               long non2xx, double p50ms, double p99ms) {
        long failed() {
            return connectErrors + readErrors + writeErrors + timeouts + non2xx;
        }

        long socketErrors() {
            return connectErrors + readErrors + writeErrors + timeouts;
        }
    }

    /**
     * {@code flipMs}: command issued → first answer from the new color; {@code confirmedMs}: the router's call itself,
     * until the flip is confirmed; {@code drops}: connections the replicas' kernels refused to queue (ListenDrops)
     * during the flips.
     */
    record Row(String router, int connections, Wrk steady, Wrk flipping, int flips, List<Long> flipMs, List<Long> confirmedMs,
               long drops, long timeWait) {
    }

    /** Waits (at most 75 s) until the host's TIME_WAIT sockets are under 20,000: each entry lives 60 s. */
    static void drainTimeWait(long deadline) throws InterruptedException {
        long waitedFrom = System.nanoTime();
        while (timeWait() > 20_000 && System.nanoTime() - waitedFrom < TimeUnit.SECONDS.toNanos(75)
                && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        say(String.format(Locale.ROOT, "waited %.0f s for the host's TIME_WAIT sockets to drain (%d left)",
                (System.nanoTime() - waitedFrom) / 1e9, timeWait()));
    }

    /** TIME_WAIT sockets on this host (loopback included) when a row starts: what earlier rows left behind. */
    static long timeWait() {
        try {
            Process p = new ProcessBuilder("ss", "-Htan", "state", "time-wait").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long n = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().count();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? n : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * ListenDrops summed over the network namespaces of every running replica of {@code service}: connections that
     * arrived while the replica's accept queue was full (busybox httpd listens with a backlog of 9). The sender's
     * SYN is dropped and retried after 1 s, then 3 s: each drop delays a request by 1 s or more, and one delayed past
     * 2 s is a wrk timeout, with nothing failing anywhere. -1 when a namespace cannot be read.
     */
    static long listenDrops(Systems sys, String service) {
        long sum = 0;
        for (Replica r : sys.cluster().list(service)) {
            if (!r.running()) {
                continue;
            }
            try {
                Process p = new ProcessBuilder("docker", "inspect", "-f", "{{.State.Pid}}", r.runtimeId())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String pid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(10, TimeUnit.SECONDS) || !pid.matches("[1-9][0-9]*")) {
                    return -1;
                }
                List<String> tcpExt = Files.readAllLines(Path.of("/proc", pid, "net", "netstat")).stream()
                        .filter(l -> l.startsWith("TcpExt:")).toList();
                List<String> names = List.of(tcpExt.get(0).split(" "));
                sum += Long.parseLong(tcpExt.get(1).split(" ")[names.indexOf("ListenDrops")]);
            } catch (IOException | RuntimeException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return sum;
    }

    static Row run(String name, String url, int connections, List<Endpoint> blue, List<Endpoint> green, Flip flip,
                   java.util.function.LongSupplier drops) throws Exception {
        long timeWait = timeWait();
        flip.to(blue, "blue");
        waitForColor(url, "blue");
        say(name + ", " + connections + " connections: steady load " + STEADY_SECONDS + "s, then " + FLIPS + " flips under the same load");
        Wrk steady = parseWrk(finish(startWrk(url, STEADY_SECONDS, connections), STEADY_SECONDS + 30));
        int seconds = (int) Math.ceil((FLIPS * (FLIP_INTERVAL_MS + 150) + 2000) / 1000.0);
        long dropsBefore = drops.getAsLong();
        Process load = startWrk(url, seconds, connections);
        Thread.sleep(1000);
        List<Long> flipMs = new ArrayList<>();
        List<Long> confirmedMs = new ArrayList<>();
        for (int i = 0; i < FLIPS; i++) {
            String color = i % 2 == 0 ? "green" : "blue";
            long t0 = System.nanoTime();
            Prober prober = Prober.start(url, color, t0);
            flip.to(color.equals("green") ? green : blue, color);
            confirmedMs.add((System.nanoTime() - t0) / 1_000_000);
            flipMs.add(prober.await());
            Thread.sleep(FLIP_INTERVAL_MS);
        }
        Wrk flipping = parseWrk(finish(load, seconds + 30));
        long dropsAfter = drops.getAsLong();
        return new Row(name, connections, steady, flipping, FLIPS, flipMs, confirmedMs,
                dropsBefore < 0 || dropsAfter < 0 ? -1 : dropsAfter - dropsBefore, timeWait);
    }

    /** Requests /info.json back to back until one comes from {@code color}; await() gives ms since {@code t0}. */
    static final class Prober {
        private final Thread thread;
        private volatile long seenAt = -1;
        private volatile boolean stopped;
        private final long t0;

        private Prober(String url, String color, long t0) {
            this.t0 = t0;
            this.thread = new Thread(() -> {
                long end = t0 + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < end && !stopped) {
                    if (color.equals(colorOf(url))) {
                        seenAt = System.nanoTime();
                        return;
                    }
                }
            });
            thread.start();
        }

        static Prober start(String url, String color, long t0) {
            return new Prober(url, color, t0);
        }

        /** Gives up probing (the flip it was timing did not happen). */
        void stop() {
            stopped = true;
        }

        long await() throws InterruptedException {
            thread.join(20_000);
            if (seenAt < 0) {
                throw new IllegalStateException("the new color never answered within 15 s");
            }
            return (seenAt - t0) / 1_000_000;
        }
    }

    static String colorOf(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "info.json"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"color\"\\s*:\\s*\"([a-z]+)\"").matcher(r.body());
            return r.statusCode() == 200 && m.find() ? m.group(1) : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static void waitForColor(String url, String color) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!color.equals(colorOf(url))) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(url + " does not serve " + color);
            }
            Thread.sleep(20);
        }
    }

    /** The idea measured: no idle client connection for a reload to close (every answer says Connection: close). */
    static void clientKeepaliveOff(Map<String, String> proxy, String service) throws Exception {
        Path conf = Path.of(proxy.get("configFile"));
        Files.writeString(conf, Files.readString(conf).replace("http {\n", "http {\n    keepalive_timeout 0;\n"));
        Process p = new ProcessBuilder(ROOT.resolve("scripts/nginx-proxy.sh").toString(), "reload", service + "-nokeep")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("nginx-proxy.sh reload failed");
        }
    }

    /** The baseline: what a shell script would do, with no config check and no wait for the workers. */
    static void naiveFlip(Map<String, String> naive, String service, List<Endpoint> to) throws Exception {
        StringBuilder conf = new StringBuilder("upstream " + service + " {\n");
        to.forEach(e -> conf.append("    server ").append(e).append(" max_fails=0;\n"));
        Files.writeString(Path.of(naive.get("upstreamFile")), conf.append("}\n").toString());
        Process p = new ProcessBuilder("nginx", "-s", "reload", "-c", naive.get("configFile")).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("nginx -s reload failed");
        }
    }

    static Process startWrk(String url, int seconds, int connections) throws IOException {
        return new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", url)
                .redirectErrorStream(true).start();
    }

    static String finish(Process p, int maxSeconds) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(maxSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        return out;
    }

    static Wrk parseWrk(String out) {
        Matcher done = Pattern.compile("(\\d+) requests in ([\\d.]+)(ms|s|m)").matcher(out);
        if (!done.find()) {
            throw new IllegalStateException("cannot read wrk's output:\n" + out);
        }
        double secs = Double.parseDouble(done.group(2)) * switch (done.group(3)) {
            case "ms" -> 0.001;
            case "m" -> 60;
            default -> 1;
        };
        Matcher sock = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        long[] s = sock.find() ? new long[] {Long.parseLong(sock.group(1)), Long.parseLong(sock.group(2)),
                Long.parseLong(sock.group(3)), Long.parseLong(sock.group(4))} : new long[4];
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
        return new Wrk(Long.parseLong(done.group(1)), secs, s[0], s[1], s[2], s[3],
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, latency(out, "50"), latency(out, "99"));
    }

    static double latency(String out, String pct) {
        Matcher m = Pattern.compile("\\s" + pct + "%\\s+([\\d.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static long pct(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static void printTable(List<Row> rows) {
        System.out.printf(Locale.ROOT, "%nflip benchmark: wrk -t2 -cN keep-alive through each proxy, %d replicas per color, "
                + "%d flips per row%n", REPLICAS, FLIPS);
        String fmt = "%-34s %5s %9s %8s %10s %9s %9s %15s %15s %13s %13s %6s %9s%n";
        System.out.printf(Locale.ROOT, fmt, "router", "conns", "requests", "req/s", "sock.err", "non-2xx", "fail/flip",
                "p50/p99 steady", "p50/p99 flips", "flip p50/p99", "conf. p50/p99", "drops", "TIME_WAIT");
        for (Row r : rows) {
            Wrk f = r.flipping();
            System.out.printf(Locale.ROOT, fmt, r.router(), r.connections(), f.requests(), Math.round(f.requests() / f.seconds()),
                    f.socketErrors() + (f.socketErrors() == 0 ? "" : " (c" + f.connectErrors() + "/r" + f.readErrors()
                            + "/w" + f.writeErrors() + "/t" + f.timeouts() + ")"),
                    f.non2xx(), String.format(Locale.ROOT, "%.2f", f.failed() / (double) r.flips()),
                    String.format(Locale.ROOT, "%.1f/%.1f ms", r.steady().p50ms(), r.steady().p99ms()),
                    String.format(Locale.ROOT, "%.1f/%.1f ms", f.p50ms(), f.p99ms()),
                    pct(r.flipMs(), 50) + "/" + pct(r.flipMs(), 99) + " ms",
                    pct(r.confirmedMs(), 50) + "/" + pct(r.confirmedMs(), 99) + " ms", r.drops() < 0 ? "?" : Long.toString(r.drops()),
                    r.timeWait() < 0 ? "?" : Long.toString(r.timeWait()));
        }
        System.out.println("flip: command issued -> first answer from the new color; conf.: the router's call, until it "
                + "confirmed the flip; drops: ListenDrops in the replicas' network namespaces during the flips (full accept "
                + "queues; each delays a connection by 1 s or more); TIME_WAIT: the host's TIME_WAIT sockets when the row started");
        for (Row r : rows) {
            Wrk s = r.steady();
            System.out.printf(Locale.ROOT, "  steady %-34s -c%-3d %d requests in %.1fs (%d req/s), %d socket errors, %d non-2xx%n",
                    r.router(), r.connections(), s.requests(), s.seconds(), Math.round(s.requests() / s.seconds()), s.socketErrors(), s.non2xx());
        }
    }

    /** Starts one proxy through the project's script; its keys plus "url"; stopped at the end. */
    static Map<String, String> proxy(String kind, String name, String service, List<Runnable> cleanUp) throws Exception {
        return proxy(kind, name, service, cleanUp, "runtime");
    }

    /** {@code nginxMode}: BLUEGREEN_NGINX_MODE for scripts/nginx-proxy.sh (runtime or reload). */
    static Map<String, String> proxy(String kind, String name, String service, List<Runnable> cleanUp, String nginxMode)
            throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path script = ROOT.resolve("scripts/" + kind + "-proxy.sh");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "start", name, Integer.toString(port), service)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("BLUEGREEN_NGINX_MODE", nginxMode);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(script + " start " + name + " failed: " + out);
        }
        cleanUp.add(() -> {
            try {
                new ProcessBuilder(script.toString(), "stop", name).redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, String> kv = new HashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> kv.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        kv.put("url", "http://127.0.0.1:" + port + "/");
        return kv;
    }

    static List<Endpoint> endpoints(Systems sys, String service, String color) {
        return sys.cluster().list(service).stream().filter(r -> r.color().label().equals(color) && r.running())
                .map(Replica::endpoint).toList();
    }

    /** Only what carries this run's service name: registrations, labelled containers, its KV folder. */
    static void removeService(Systems sys, String service) {
        for (Instance i : sys.registry().instances(service)) {
            sys.registry().deregister(service, i.id());
        }
        sys.cluster().remove(sys.cluster().list(service));
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(Connections.fromEnvironment(System.getenv()).consul()
                    + "/v1/kv/bluegreen/" + service + "?recurse=true")).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        say("removed " + service + " (containers, registrations, KV)");
    }

    static void say(String s) {
        System.err.println("bench: " + s);
    }
}
