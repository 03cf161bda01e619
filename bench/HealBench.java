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
                    "router", Map.of("type", "nginx", "nginx", Map.of("upstreamFile", upstream.toString(), "configFile", config.toString())));
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
}
