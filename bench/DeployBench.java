import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The deploy-time benchmark (run by bench/deploy.sh): a first deploy of N replicas with the tool (in-process,
 * so JVM start is not counted: `bin/bluegreen --version` alone takes 0.4 s) against bench/naive-deploy.sh doing the same work with
 * the docker CLI, on the local engine and across three engines, in the same run. Both end with every replica
 * answering /health and nginx reloaded onto them; ours also registers in Consul and gates on its checks. Each
 * side is timed twice: when it returns, and when the proxy first answers 200 from the new replicas (the shell's
 * {@code nginx -s reload} returns before nginx switches; ours confirms the switch before it returns).
 */
public class DeployBench {
    static final String SERVICE = "bench-deploy";
    /** Consul's check interval; the shell script polls /health every 100 ms. */
    static String interval;
    static URI proxy;

    public static void main(String[] args) throws Exception {
        Path upstream = Path.of(args[0]);
        Path config = Path.of(args[1]);
        List<String[]> engines = new ArrayList<>(); // name, host, address
        for (String e : args[2].split(",")) {
            engines.add(e.split(" "));
        }
        int[] sizes = java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        interval = args[4];
        proxy = URI.create(args[5]);
        int repeat = Integer.parseInt(args[6]);
        BlueGreen bg = BlueGreen.connect(Connections.fromEnvironment(System.getenv()));
        System.out.printf("Consul check interval %s (the shell script polls every 100 ms); medians of %d runs;"
                + " times: returned / proxy serving; ratio of the serving times; our gate's median (range)%n", interval, repeat);
        System.out.printf("%-22s %9s %18s %18s %8s%n", "target", "replicas", "bluegreen", "shell", "ratio");
        for (boolean spread : new boolean[] {false, true}) {
            Systems sys = spread ? bg.systemsFor(SpecReader.fromTree(tree(1, upstream, config, engines, true), Path.of("/"), Map.of()).target())
                    : bg.systems();
            deploy(bg, sys, 1, upstream, config, engines, spread); // warm-up: images reach every engine
            cleanUp(sys, engines);
            for (int n : sizes) {
                List<long[]> runs = new ArrayList<>(); // ours returned, ours serving, shell returned, shell serving, gate
                for (int r = 0; r < repeat; r++) {
                    long t0 = System.nanoTime();
                    DeployResult result = deploy(bg, sys, n, upstream, config, engines, spread);
                    long oursReturned = millisSince(t0);
                    long oursServing = servingMillis(t0);
                    cleanUp(sys, engines);
                    t0 = System.nanoTime();
                    naive(n, upstream, config, spread ? engines : List.<String[]>of(new String[] {"local", "unix:///var/run/docker.sock", "127.0.0.1"}));
                    long shellReturned = millisSince(t0);
                    long shellServing = servingMillis(t0);
                    cleanUp(sys, engines);
                    long gate = result.phases().stream().filter(t -> t.phase().equals("gate")).mapToLong(t -> t.ms()).sum();
                    runs.add(new long[] {oursReturned, oursServing, shellReturned, shellServing, gate});
                }
                long[] m = new long[5];
                for (int c = 0; c < 5; c++) {
                    final int col = c;
                    m[c] = runs.stream().mapToLong(x -> x[col]).sorted().toArray()[runs.size() / 2];
                }
                System.out.printf("%-22s %9d %7.2f / %5.2f s %7.2f / %5.2f s %8.2f   gate %.2f s (%.2f..%.2f)%n",
                        spread ? "3 engines (spread)" : "local engine", n, m[0] / 1000.0, m[1] / 1000.0, m[2] / 1000.0,
                        m[3] / 1000.0, (double) m[1] / m[3], m[4] / 1000.0,
                        runs.stream().mapToLong(x -> x[4]).min().getAsLong() / 1000.0,
                        runs.stream().mapToLong(x -> x[4]).max().getAsLong() / 1000.0);
            }
        }
        System.exit(0);
    }

    static Map<String, Object> tree(int n, Path upstream, Path config, List<String[]> engines, boolean spread) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("service", SERVICE);
        t.put("image", "127.0.0.1:5000/vote");
        t.put("tag", "v1");
        t.put("replicas", n);
        t.put("containerPort", 8080);
        t.put("health", Map.of("interval", interval, "passes", 1, "deadline", "120s"));
        t.put("verify", Map.of("window", "0"));
        t.put("standby", Map.of("keep", "0"));
        t.put("router", Map.of("type", "nginx", "nginx", Map.of("mode", "reload", "upstreamFile", upstream.toString(), "configFile", config.toString())));
        if (spread) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (String[] e : engines) {
                list.add(Map.of("name", e[0], "host", e[1], "address", e[2]));
            }
            t.put("target", Map.of("type", "engines", "strategy", "spread", "engines", list));
        }
        return t;
    }

    static DeployResult deploy(BlueGreen bg, Systems sys, int n, Path upstream, Path config, List<String[]> engines, boolean spread) {
        DeploymentSpec spec = SpecReader.fromTree(tree(n, upstream, config, engines, spread), Path.of("/"), Map.of());
        return new Deployer(sys, e -> { }).deploy(spec);
    }

    static void naive(int n, Path upstream, Path config, List<String[]> engines) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bench/naive-deploy.sh", Integer.toString(n), "127.0.0.1:5000/vote:v1",
                SERVICE, upstream.toString(), config.toString()));
        engines.forEach(e -> cmd.add(e[1] + "=" + e[2]));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("naive-deploy.sh failed");
        }
    }

    static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** Asks the proxy every 2 ms (at most 30 s) until it answers 200: the old upstream's dead ports give 502. */
    static long servingMillis(long t0) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(1)).build();
        HttpRequest get = HttpRequest.newBuilder(proxy).timeout(java.time.Duration.ofSeconds(1)).build();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            try {
                if (client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return millisSince(t0);
                }
            } catch (java.io.IOException notYet) {
                // the proxy refused or reset: not serving yet
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("the proxy did not answer 200 within 30 s");
    }

    /** Removes both kinds of bench containers on every engine, our registrations and our KV. */
    static void cleanUp(Systems sys, List<String[]> engines) throws Exception {
        for (Instance i : sys.registry().instances(SERVICE)) {
            sys.registry().deregister(SERVICE, i.id());
        }
        sys.cluster().remove(sys.cluster().list(SERVICE));
        List<String> hosts = new ArrayList<>(List.of("unix:///var/run/docker.sock"));
        engines.forEach(e -> hosts.add(e[1]));
        for (String h : hosts) {
            Process ps = new ProcessBuilder("docker", "-H", h, "ps", "-aq", "--filter", "label=bluegreen.bench=" + SERVICE).start();
            String ids = new String(ps.getInputStream().readAllBytes()).trim();
            ps.waitFor(30, TimeUnit.SECONDS);
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("docker", "-H", h, "rm", "-f"));
                rm.addAll(List.of(ids.split("\\s+")));
                new ProcessBuilder(rm).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
            }
        }
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:8500/v1/kv/bluegreen/" + SERVICE + "?recurse=true")).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
