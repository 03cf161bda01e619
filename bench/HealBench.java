import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.spec.SpecReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The heal scenario (run by bench/heal.sh): a real `consul watch` calls `bluegreen heal` while steady load
 * goes through nginx; the bench kills replicas and measures, per incident, the time from the kill to the
 * proxy serving 200s again (fail-back) or to a full set of passing replicas (in-place replacement), and
 * the requests that failed meanwhile. Loopback only; every wait is bounded.
 */
public class HealBench {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    static BlueGreen bg;
    static String service;
    static final List<long[]> samples = Collections.synchronizedList(new ArrayList<>()); // {nanos, status}

    public static void main(String[] args) throws Exception {
        if (args.length > 5 && args[5].equals("cascade")) {
            // args: SERVICE PROXY_URL SOCKET BACKEND_FILE INCIDENTS cascade BACKEND
            int code = new CascadeBench(args[0], args[1], args[2], args[6], args[3], Integer.parseInt(args[4])).run();
            System.exit(code);
        }
        service = args[0];
        String proxyUrl = args[1];
        Path upstream = Path.of(args[2]);
        Path config = Path.of(args[3]);
        int incidents = Integer.parseInt(args[4]);
        boolean server = args.length > 5 && args[5].equals("server");
        Path root = Path.of(System.getProperty("user.dir"));
        bg = BlueGreen.connect(Connections.fromEnvironment(System.getenv()));
        for (String tag : List.of("v1", "v2")) {
            Map<String, Object> tree = Map.of("service", service, "image", "127.0.0.1:5000/vote", "tag", tag,
                    "build", Map.of("context", root.resolve("examples/vote").toString(), "args", Map.of("VERSION", tag)),
                    "push", true, "replicas", 2, "containerPort", 8080,
                    "health", Map.of("interval", "1s", "passes", 1, "deadline", "30s"),
                    "verify", Map.of("window", "1s"),
                    "router", Map.of("type", "nginx", "nginx", Map.of("mode", "reload", "upstreamFile", upstream.toString(), "configFile", config.toString())));
            new Deployer(bg.systems(), e -> { }).deploy(SpecReader.fromTree(tree, root, Map.of()));
        }
        Thread load = new Thread(() -> load(proxyUrl), "load");
        load.setDaemon(true);
        load.start();
        Process watch = server ? startServer(root) : startWatch(root);
        System.out.println(server ? "handler: bluegreen heal-server (running; its own blocking query on health, no Consul watch)"
                : "handler: consul watch -type=checks running bluegreen heal (a JVM per firing)");
        try {
            Thread.sleep(3000);
            List<Double> failBack = new ArrayList<>();
            List<Integer> failBackFailed = new ArrayList<>();
            for (int i = 0; i < incidents; i++) {
                awaitWarmStandby();
                List<String> active = activeIds();
                long t0 = System.nanoTime();
                kill(active);
                long recovered = awaitFirst200After(t0 + TimeUnit.MILLISECONDS.toNanos(50), 60);
                failBack.add((recovered - t0) / 1e6);
                failBackFailed.add(failedBetween(t0, recovered));
                System.out.printf("fail-back %2d: %6.0f ms to 200s again, %d failed requests%n", i + 1, failBack.get(i), failBackFailed.get(i));
            }
            List<Double> replace = new ArrayList<>();
            List<Integer> replaceFailed = new ArrayList<>();
            for (int i = 0; i < incidents; i++) {
                awaitWarmStandby();
                List<String> active = activeIds();
                long t0 = System.nanoTime();
                kill(List.of(active.get(0)));
                long done = awaitReplaced(active.get(0), 60);
                replace.add((done - t0) / 1e6);
                replaceFailed.add(failedBetween(t0, done));
                System.out.printf("replace   %2d: %6.0f ms to a full passing set, %d failed requests%n", i + 1, replace.get(i), replaceFailed.get(i));
            }
            System.out.println();
            report("fail-back (every active replica killed, warm standby)", failBack, failBackFailed);
            report("in-place replacement (one of two active replicas killed)", replace, replaceFailed);
        } finally {
            watch.destroy();
        }
        System.exit(0);
    }

    static Process startWatch(Path root) throws Exception {
        Path handler = Files.createTempFile("bluegreen-heal", ".sh");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(handler, "#!/bin/sh\nexec " + java + " -cp '" + System.getProperty("java.class.path")
                + "' io.bluegreen.cli.BlueGreenCli heal -s " + service + " --grace 0 --max-heals 100 --window 1s >> "
                + root.resolve("bench/heal-handler.log") + " 2>&1\n");
        handler.toFile().setExecutable(true);
        return new ProcessBuilder("consul", "watch", "-type=checks", "-service=" + service, handler.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The long-running HTTP handler; its own reconcile loop (a blocking query on health) finds the incidents. */
    static Process startServer(Path root) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.bluegreen.cli.BlueGreenCli",
                "heal-server", "--listen", "127.0.0.1:0", "-s", service, "--grace", "0", "--max-heals", "100", "--window", "1s")
                .redirectErrorStream(true).redirectOutput(root.resolve("bench/heal-handler.log").toFile());
        pb.environment().put("BLUEGREEN_HEAL_SECRET", UUID.randomUUID().toString());
        return pb.start();
    }

    static void load(String url) {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < end) {
            int status;
            try {
                status = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                status = -1;
            }
            samples.add(new long[] {System.nanoTime(), status});
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static int failedBetween(long from, long to) {
        synchronized (samples) {
            return (int) samples.stream().filter(s -> s[0] >= from && s[0] <= to && (s[1] < 200 || s[1] >= 400)).count();
        }
    }

    static long awaitFirst200After(long from, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            synchronized (samples) {
                // recovered = a 200 after the first failure the kill caused (or after the kill if none failed)
                long firstFail = samples.stream().filter(s -> s[0] >= from && s[1] != 200).mapToLong(s -> s[0]).min().orElse(-1);
                if (firstFail > 0) {
                    var ok = samples.stream().filter(s -> s[0] > firstFail && s[1] == 200).mapToLong(s -> s[0]).min();
                    if (ok.isPresent()) {
                        return ok.getAsLong();
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the proxy did not serve 200s again within " + seconds + "s");
    }

    static long awaitReplaced(String killed, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            List<String> ids = activeIds();
            if (!ids.contains(killed) && ids.size() == 2 && passing().containsAll(ids)) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(killed + " was not replaced within " + seconds + "s");
    }

    /** Both colors fully passing: the next incident starts from a warm standby. */
    static void awaitWarmStandby() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            ServiceState s = bg.systems().store().readState(service).value();
            Set<String> p = passing();
            boolean warm = s.colors().size() == 2 && s.colors().values().stream()
                    .allMatch(c -> c.replicaIds().size() == 2 && p.containsAll(c.replicaIds()));
            if (warm && bg.systems().store().readJournal(service).isEmpty()) {
                Thread.sleep(1500);
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no warm standby after 90s");
    }

    static Set<String> passing() {
        return bg.systems().registry().instances(service).stream().filter(Instance::passing).map(Instance::id).collect(Collectors.toSet());
    }

    static List<String> activeIds() {
        ServiceState s = bg.systems().store().readState(service).value();
        return s.color(s.activeColor().orElseThrow()).map(ColorState::replicaIds).orElse(List.of());
    }

    static void kill(List<String> names) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker", "kill"));
        cmd.addAll(names);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    static void report(String what, List<Double> ms, List<Integer> failed) {
        List<Double> sorted = ms.stream().sorted().toList();
        System.out.printf("%s: %d incidents, time p50 %.0f ms, p99 %.0f ms, max %.0f ms; failed requests per incident p50 %d, max %d%n",
                what, ms.size(), pct(sorted, 50), pct(sorted, 99), sorted.get(sorted.size() - 1),
                failed.stream().sorted().toList().get(failed.size() / 2), Collections.max(failed));
    }

    static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /**
     * The cascade scenario ({@code bench/heal.sh N cascade}): the example app v1 then v2, 3 replicas each, behind a real
     * HAProxy (so a passing warm standby exists), {@code bluegreen heal-server --grace 1s} running, one client requesting
     * {@code /info.json} through HAProxy every 5 ms. Per incident: {@code docker kill} one active replica; the moment the
     * heal's replacement container for it runs (a new container of that service and color), {@code docker kill} every
     * other active replica and the replacement in one command. Measured: that second wave's kill → the first 200 from
     * the standby's version through the proxy, and the requests that failed from the first kill until then. Between
     * incidents the heal repairs the dead color into the new standby; when no clean "active + warm standby" shows up
     * within 90 s, two deploys restore one. Black box: the CLI ({@code deploy}, {@code heal-server}), the docker CLI,
     * Consul's HTTP API and HAProxy's admin socket; every wait is bounded and says what it waited for.
     */
    static final class CascadeBench {
        static final int REPLICAS = 3;
        static final Duration STEADY_WITHIN = Duration.ofSeconds(90);
        static final Duration REPLACEMENT_WITHIN = Duration.ofSeconds(30);
        static final Duration SERVED_WITHIN = Duration.ofSeconds(90);
        static final long TARGET_MS = 3000;
        static final int NOT_SERVING = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40; // HAProxy maint/drain admin bits
        static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
        record Sample(long nanos, int status, String version) {
        }
        record State(String active, Map<String, String> versions, Map<String, List<String>> names, Map<String, List<String>> endpoints) {
            String standby() {
                return "blue".equals(active) ? "green" : "blue";
            }

            List<String> activeNames() {
                return names.getOrDefault(active, List.of());
            }

            Set<String> allNames() {
                Set<String> all = new java.util.TreeSet<>();
                names.values().forEach(all::addAll);
                return all;
            }
        }

        final String service;
        final String url;
        final String socket;
        final String backend;
        final String backendFile;
        final int incidents;
        final Path root = Path.of(System.getProperty("user.dir"));
        final Path log;
        final String consul;
        final List<Sample> load = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stopLoad;
        Process server;

        CascadeBench(String service, String url, String socket, String backend, String backendFile, int incidents) {
            this.service = service;
            this.url = url.endsWith("/") ? url : url + "/";
            this.socket = socket;
            this.backend = backend;
            this.backendFile = backendFile;
            this.incidents = incidents;
            this.log = root.resolve("bench/heal-handler.log");
            String addr = System.getenv().getOrDefault("CONSUL_HTTP_ADDR", "127.0.0.1:8500");
            this.consul = addr.contains("://") ? addr : "http://" + addr;
        }

        int run() throws Exception {
            long started = System.nanoTime();
            deploy("v1");
            deploy("v2");
            server = startServer();
            Thread loader = new Thread(this::load, "load");
            loader.setDaemon(true);
            loader.start();
            System.out.println("handler: bluegreen heal-server --grace 1s (its own blocking query on health); " + REPLICAS
                    + " replicas per color behind HAProxy; load: GET " + url + "info.json every 5 ms");
            List<Double> served = new ArrayList<>();
            List<Integer> failed = new ArrayList<>();
            int committedBefore = 0;
            try {
                for (int i = 1; i <= incidents; i++) {
                    State s = steadyOrRestore(i);
                    Thread.sleep(1000);
                    Set<String> existing = new java.util.TreeSet<>();
                    containers().forEach(c -> existing.add(c[0]));
                    List<String> active = s.activeNames();
                    String standbyVersion = s.versions().get(s.standby());
                    long t1 = System.nanoTime();
                    kill(List.of(active.get(0)));
                    String replacement = awaitReplacement(s.active(), existing, t1, i);
                    State mid = state();
                    boolean committed = mid != null && mid.allNames().contains(replacement);
                    committedBefore += committed ? 1 : 0;
                    List<String> wave = new ArrayList<>(active.subList(1, active.size()));
                    wave.add(replacement);
                    long t0 = System.nanoTime();
                    kill(wave);
                    long back = awaitServed(t0, standbyVersion, i);
                    served.add((back - t0) / 1e6);
                    failed.add(failedBetween(t1, back));
                    System.out.printf("cascade %2d: %s killed; replacement %s running %5.0f ms later%s; second wave (%d containers)"
                                    + " -> 200 from the standby (%s) after %6.0f ms; %d failed requests since the first kill%n",
                            i, active.get(0), replacement, (t0 - t1) / 1e6, committed ? " (already committed to the state)" : "",
                            wave.size(), standbyVersion, served.get(i - 1), failed.get(i - 1));
                }
            } finally {
                stopLoad = true;
                stopServer();
            }
            List<Double> sorted = served.stream().sorted().toList();
            List<Integer> fsorted = failed.stream().sorted().toList();
            System.out.println();
            System.out.printf("cascade (one active replica killed; when its replacement runs, every other active replica and the"
                    + " replacement killed too): %d incidents, %d replicas per color, heal-server --grace 1s%n", served.size(), REPLICAS);
            System.out.printf("  second wave's kill -> proxy serves 200 again (standby's version): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    pct(sorted, 50), pct(sorted, 99), sorted.get(sorted.size() - 1));
            double rate;
            synchronized (load) {
                rate = load.size() < 2 ? 0 : load.size() / ((load.get(load.size() - 1).nanos() - load.get(0).nanos()) / 1e9);
            }
            System.out.printf("  failed requests per incident (first kill -> served again; the client sent %.0f req/s): p50 %d, p99 %d, max %d%n",
                    rate, fsorted.get(Math.min(fsorted.size() - 1, (int) Math.ceil(0.5 * fsorted.size()) - 1)),
                    fsorted.get(Math.min(fsorted.size() - 1, (int) Math.ceil(0.99 * fsorted.size()) - 1)), fsorted.get(fsorted.size() - 1));
            if (committedBefore > 0) {
                System.out.printf("  note: in %d incident(s) the replacement had already passed its gate and was in the state before the"
                        + " second wave%n", committedBefore);
            }
            boolean met = pct(sorted, 50) < TARGET_MS && pct(sorted, 99) < TARGET_MS;
            System.out.printf("  target: p50 and p99 under %d ms: %s (%.0f s in all)%n", TARGET_MS, met ? "met" : "NOT met",
                    (System.nanoTime() - started) / 1e9);
            return 0;
        }

        /** A clean "active + warm standby" (waits at most 90 s); when the heal does not get there, two deploys make one. */
        State steadyOrRestore(int incident) throws Exception {
            String why = awaitSteady(STEADY_WITHIN);
            if (why == null) {
                return state();
            }
            System.out.printf("cascade %2d: no clean active + warm standby within %d s (%s); restoring with two deploys%n",
                    incident, STEADY_WITHIN.toSeconds(), why);
            deploy("v1");
            deploy("v2");
            why = awaitSteady(Duration.ofSeconds(60));
            if (why != null) {
                throw new IllegalStateException("incident " + incident + ": still no clean active + warm standby 60 s after two"
                        + " deploys: " + why + "\n" + tail());
            }
            return state();
        }

        /** Null once both colors have their replicas passing and nothing is left over; else why not (after {@code bound}). */
        String awaitSteady(Duration bound) throws Exception {
            long end = System.nanoTime() + bound.toNanos();
            String why;
            do {
                why = notSteady();
                if (why == null) {
                    return null;
                }
                Thread.sleep(200);
            } while (System.nanoTime() < end);
            return why;
        }

        String notSteady() throws Exception {
            State s = state();
            if (s == null || s.active() == null) {
                return "no state";
            }
            if (s.names().size() != 2 || s.names().values().stream().anyMatch(n -> n.size() != REPLICAS)) {
                return "the state names " + s.names();
            }
            Set<String> passing = passing();
            if (!passing.containsAll(s.allNames())) {
                return "passing " + passing + ", named " + s.allNames();
            }
            if (consulGet("/v1/kv/bluegreen/" + service + "/journal").statusCode() == 200) {
                return "a journal is there";
            }
            var lock = consulGet("/v1/kv/bluegreen/" + service + "/lock");
            if (lock.statusCode() == 200 && JSON.readTree(lock.body()).path(0).hasNonNull("Session")) {
                return "the lock is held";
            }
            List<String[]> cs = containers();
            Set<String> names = new java.util.TreeSet<>();
            for (String[] c : cs) {
                if (!s.allNames().contains(c[0]) || !c[2].equals("running")) {
                    return "container " + c[0] + " (" + c[2] + ") is left over";
                }
                names.add(c[0]);
            }
            if (!names.equals(s.allNames())) {
                return "containers " + names + " are not the state's " + s.allNames();
            }
            if (!registered().equals(s.allNames())) {
                return "Consul registers " + registered() + ", the state names " + s.allNames();
            }
            Set<String> serving = serving();
            Set<String> active = new java.util.TreeSet<>(s.endpoints().get(s.active()));
            if (!serving.equals(active)) {
                return "HAProxy serves " + serving + ", the active color is at " + active;
            }
            return null;
        }

        String awaitReplacement(String color, Set<String> existing, long t1, int incident) throws Exception {
            long end = t1 + REPLACEMENT_WITHIN.toNanos();
            while (System.nanoTime() < end) {
                for (String[] c : containers()) {
                    if (c[2].equals("running") && c[1].equals(color) && !existing.contains(c[0])) {
                        return c[0];
                    }
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("incident " + incident + ": no replacement container of " + service + " " + color
                    + " ran within " + REPLACEMENT_WITHIN.toSeconds() + " s of the first kill\n" + tail());
        }

        long awaitServed(long t0, String version, int incident) throws Exception {
            long end = t0 + SERVED_WITHIN.toNanos();
            while (System.nanoTime() < end) {
                synchronized (load) {
                    var first = load.stream().filter(x -> x.nanos() > t0 && x.status() == 200 && version.equals(x.version()))
                            .mapToLong(Sample::nanos).min();
                    if (first.isPresent()) {
                        return first.getAsLong();
                    }
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("incident " + incident + ": the proxy did not answer 200 from the standby (" + version
                    + ") within " + SERVED_WITHIN.toSeconds() + " s of the second wave\n" + tail());
        }

        int failedBetween(long from, long to) {
            synchronized (load) {
                return (int) load.stream().filter(x -> x.nanos() >= from && x.nanos() <= to && x.status() != 200).count();
            }
        }

        void load() {
            long end = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
            java.util.regex.Pattern version = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"");
            while (!stopLoad && System.nanoTime() < end) {
                int status;
                String v = null;
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "info.json"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    status = r.statusCode();
                    var m = version.matcher(r.body());
                    v = m.find() ? m.group(1) : null;
                } catch (Exception e) {
                    status = -1;
                }
                load.add(new Sample(System.nanoTime(), status, v));
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** {@code bluegreen deploy -f SPEC} in this JVM, through the CLI's own entry point. */
        void deploy(String tag) throws Exception {
            Path spec = Files.createTempFile("bench-cascade-" + tag, ".yml");
            Files.writeString(spec, """
                    service: %s
                    image: 127.0.0.1:5000/vote
                    tag: %s
                    build: { context: %s, dockerfile: Dockerfile, args: { VERSION: %s } }
                    push: true
                    replicas: %d
                    containerPort: 8080
                    health: { path: /health, interval: 1s, timeout: 1s, passes: 2, deadline: 30s }
                    verify: { window: 1s }
                    standby: { keep: 1h }
                    lock: { wait: 60s }
                    router:
                      type: haproxy
                      drain: 5s
                      haproxy: { socket: %s, backend: %s, backendFile: %s }
                    """.formatted(service, tag, root.resolve("examples/vote"), tag, REPLICAS, socket, backend, backendFile));
            java.io.StringWriter out = new java.io.StringWriter();
            int code = new io.bluegreen.cli.BlueGreenCli(System.getenv(), new java.io.PrintWriter(out), new java.io.PrintWriter(out))
                    .run("deploy", "-f", spec.toString());
            Files.deleteIfExists(spec);
            if (code != 0) {
                throw new IllegalStateException("bluegreen deploy of " + service + " " + tag + " failed (exit " + code + "):\n" + out);
            }
        }

        Process startServer() throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.bluegreen.cli.BlueGreenCli",
                    "heal-server", "--listen", "127.0.0.1:0", "-s", service, "--grace", "1s", "--max-heals", "100", "--window", "1s")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("BLUEGREEN_HEAL_SECRET", UUID.randomUUID().toString());
            Process p = pb.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(log).contains("listening on")) {
                if (!p.isAlive() || System.nanoTime() > end) {
                    p.destroyForcibly();
                    throw new IllegalStateException("bluegreen heal-server did not start listening within 30 s\n" + tail());
                }
                Thread.sleep(50);
            }
            return p;
        }

        void stopServer() throws InterruptedException {
            if (server != null && server.isAlive()) {
                server.destroy();
                if (!server.waitFor(40, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }

        String tail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return "last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (Exception e) {
                return "(no heal-server log: " + e.getMessage() + ")";
            }
        }

        State state() throws Exception {
            var r = consulGet("/v1/kv/bluegreen/" + service + "/state?raw=true");
            if (r.statusCode() != 200) {
                return null;
            }
            var root = JSON.readTree(r.body()).path("body"); // the saved envelope's body (docs/spec.md, "The saved state")
            Map<String, String> versions = new java.util.LinkedHashMap<>();
            Map<String, List<String>> names = new java.util.LinkedHashMap<>();
            Map<String, List<String>> endpoints = new java.util.LinkedHashMap<>();
            root.path("colors").properties().forEach(e -> {
                versions.put(e.getKey(), e.getValue().path("version").asText(null));
                List<String> n = new ArrayList<>();
                e.getValue().path("replicaIds").forEach(x -> n.add(x.asText()));
                names.put(e.getKey(), n);
                List<String> ep = new ArrayList<>();
                e.getValue().path("endpoints").forEach(x -> ep.add(x.asText()));
                endpoints.put(e.getKey(), ep);
            });
            return new State(root.path("active").asText(null), versions, names, endpoints);
        }

        Set<String> passing() throws Exception {
            Set<String> ids = new java.util.TreeSet<>();
            for (var e : JSON.readTree(consulGet("/v1/health/service/" + service).body())) {
                boolean ok = true;
                for (var c : e.path("Checks")) {
                    ok &= "passing".equals(c.path("Status").asText());
                }
                if (ok) {
                    ids.add(e.at("/Service/ID").asText());
                }
            }
            return ids;
        }

        Set<String> registered() throws Exception {
            Set<String> ids = new java.util.TreeSet<>();
            JSON.readTree(consulGet("/v1/agent/services").body()).properties().forEach(e -> {
                if (service.equals(e.getValue().path("Service").asText())) {
                    ids.add(e.getValue().path("ID").asText(e.getKey()));
                }
            });
            return ids;
        }

        HttpResponse<String> consulGet(String path) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create(consul + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** {name, color, state} of every container labelled with the service. */
        List<String[]> containers() throws Exception {
            Process p = new ProcessBuilder("docker", "ps", "-a", "--filter", "label=bluegreen.service=" + service, "--format",
                    "{{.Names}}\t{{.Label \"bluegreen.color\"}}\t{{.State}}").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("docker ps failed: " + out);
            }
            List<String[]> list = new ArrayList<>();
            for (String line : out.split("\n")) {
                String[] f = line.split("\t", -1);
                if (f.length == 3 && !f[0].isBlank()) {
                    list.add(new String[] {f[0].strip(), f[1].strip(), f[2].strip()});
                }
            }
            return list;
        }

        void kill(List<String> names) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("docker", "kill"));
            cmd.addAll(names);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not end within 30 s");
            }
        }

        /** HAProxy's servers of the backend that may get new requests (not in maintenance or drain), as addr:port. */
        Set<String> serving() throws Exception {
            String answer;
            try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
                ch.write(java.nio.ByteBuffer.wrap(("show servers state " + backend + "\n").getBytes()));
                answer = new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes());
            }
            List<String> lines = answer.lines().toList();
            Set<String> out = new java.util.TreeSet<>();
            if (lines.size() < 2 || !lines.get(1).startsWith("# ")) {
                return out;
            }
            List<String> header = List.of(lines.get(1).substring(2).split(" "));
            int addr = header.indexOf("srv_addr");
            int port = header.indexOf("srv_port");
            int admin = header.indexOf("srv_admin_state");
            for (String line : lines.subList(2, lines.size())) {
                String[] f = line.split(" ");
                if (f.length > Math.max(addr, Math.max(port, admin)) && (Integer.parseInt(f[admin]) & NOT_SERVING) == 0) {
                    out.add(f[addr] + ":" + f[port]);
                }
            }
            return out;
        }
    }
}
