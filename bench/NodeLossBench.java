import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.Instance;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.WatchReceiver;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node-loss scenario (run by bench/node-loss.sh) on the cluster scripts/cluster.sh builds: the service runs three
 * replicas over the three nodes behind a real HAProxy, a client requests through it back to back, a heal worker (the
 * heal server's, reacting to Consul's blocking query) runs in this JVM. Per incident one node dies (its dockerd,
 * containers and Consul agent killed): the time from the kill until HAProxy's ready servers are again only passing
 * replicas, none on the dead node, as many as the spec asks, and the requests that failed meanwhile. Then the node comes
 * back (`cluster.sh up`) for the next incident. Before that, deploy times on the cluster and on the local target side
 * by side. Loopback and the scripts' namespaces only; every wait is bounded.
 */
public class NodeLossBench {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    static final List<long[]> samples = Collections.synchronizedList(new ArrayList<>()); // {nanos, status}

    public static void main(String[] args) throws Exception {
        // args: CLUSTER_LINES_FILE SOCKET BACKEND BACKEND_FILE PROXY_URL INCIDENTS DEPLOYS LOCAL_SOCKET LOCAL_BACKEND LOCAL_BACKEND_FILE
        List<String> lines = java.nio.file.Files.readAllLines(Path.of(args[0]));
        Path socket = Path.of(args[1]);
        String backend = args[2];
        String proxyUrl = args[4];
        int incidents = Integer.parseInt(args[5]);
        int deploys = Integer.parseInt(args[6]);
        String manager = lines.stream().filter(l -> l.startsWith("manager ")).findFirst().orElseThrow().split(" ")[2];
        Map<String, String> nodeAddress = new LinkedHashMap<>();   // node index -> address
        StringBuilder target = new StringBuilder();
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f[0].equals("node")) {
                nodeAddress.put(f[1].substring(3), f[3]);
                target.append(target.length() == 0 ? "" : ",");
                target.append("{\"name\":\"").append(f[1]).append("\",\"host\":\"").append(f[2]).append("\",\"address\":\"")
                        .append(f[3]).append("\",\"consul\":\"").append(f[5]).append("\"}");
            }
        }
        Path root = Path.of(System.getProperty("user.dir"));
        Map<String, String> clusterEnv = new HashMap<>(System.getenv());
        clusterEnv.put("CONSUL_HTTP_ADDR", manager);
        String service = "bench-node";

        // Deploy time, cluster vs local, alternating so both see the same machine load.
        List<Long> onCluster = new ArrayList<>();
        List<Long> onLocal = new ArrayList<>();
        try (BlueGreen cluster = BlueGreen.connect(Connections.fromEnvironment(clusterEnv));
             BlueGreen local = BlueGreen.connect(Connections.fromEnvironment(System.getenv()))) {
            for (int i = 0; i < deploys; i++) {
                String tag = i % 2 == 0 ? "v1" : "v2";
                onCluster.add(timed(() -> cluster.deploy(spec(root, service, tag, 3, args[1], backend, args[3], target.toString()), e -> { })));
                onLocal.add(timed(() -> local.deploy(spec(root, service + "-local", tag, 3, args[7], args[8], args[9], null), e -> { })));
            }
            System.out.printf("deploy of 3 replicas (build cached, 1 s checks, 1 pass), %d runs each:%n", deploys);
            System.out.printf("  cluster (3 nodes, registered at each node's agent): p50 %.2f s  max %.2f s%n", pct(onCluster, 50) / 1e3, pct(onCluster, 100) / 1e3);
            System.out.printf("  local   (one engine, the dev agent):                 p50 %.2f s  max %.2f s%n", pct(onLocal, 50) / 1e3, pct(onLocal, 100) / 1e3);

            Thread load = new Thread(() -> load(proxyUrl), "load");
            load.setDaemon(true);
            load.start();
            HealSettings settings = new HealSettings(Duration.ZERO, 100, Duration.ofMinutes(30), Duration.ofSeconds(60), Optional.empty());
            WatchReceiver heal = cluster.watchReceiver(Map.of(service, settings), e -> { }, log -> { });
            List<Long> recoveries = new ArrayList<>();
            List<Long> failures = new ArrayList<>();
            try {
                for (int n = 1; n <= incidents; n++) {
                    ServiceState state = cluster.systems().store().readState(service).value();
                    Set<String> active = state.color(state.activeColor().orElseThrow()).orElseThrow().replicaIds().stream().collect(Collectors.toSet());
                    Instance victim = cluster.systems().registry().instances(service).stream().filter(i -> active.contains(i.id()))
                            .sorted((a, b) -> a.id().compareTo(b.id())).findFirst().orElseThrow();
                    String dead = victim.endpoint().host();
                    String index = nodeAddress.entrySet().stream().filter(e -> e.getValue().equals(dead)).findFirst().orElseThrow().getKey();
                    long t0 = System.nanoTime();
                    script("cluster.sh", "kill-node", index);
                    long end = t0 + Duration.ofSeconds(120).toNanos();
                    while (!healed(cluster, service, socket, backend, dead)) {
                        if (System.nanoTime() > end) {
                            throw new IllegalStateException("incident " + n + ": no healthy set behind the proxy within 120 s of eng" + index + "'s death");
                        }
                        Thread.sleep(50);
                    }
                    long t1 = System.nanoTime();
                    long failed;
                    synchronized (samples) {
                        failed = samples.stream().filter(s -> s[0] >= t0 && s[0] <= t1 && s[1] != 200).count();
                    }
                    recoveries.add((t1 - t0) / 1_000_000);
                    failures.add(failed);
                    System.out.printf("incident %d: eng%s killed; proxy on healthy replicas only after %.2f s; %d request(s) failed%n",
                            n, index, (t1 - t0) / 1e9, failed);
                    script("cluster.sh", "up");
                }
            } finally {
                heal.close(Duration.ofSeconds(30));
            }
            System.out.printf("node loss, %d incidents: recovery p50 %.2f s  p99 %.2f s; failed requests per incident p50 %d  p99 %d  (total %d of %d sent)%n",
                    incidents, pct(recoveries, 50) / 1e3, pct(recoveries, 99) / 1e3, pct(failures, 50), pct(failures, 99),
                    failures.stream().mapToLong(Long::longValue).sum(), samples.size());
        }
    }

    interface Action {
        void run() throws Exception;
    }

    static long timed(Action a) throws Exception {
        long t0 = System.nanoTime();
        a.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static DeploymentSpec spec(Path root, String service, String tag, int replicas, String socket, String backend, String backendFile,
                               String engines) throws Exception {
        Map<String, Object> tree = new LinkedHashMap<>(Map.of("service", service, "image", "127.0.0.1:5000/vote", "tag", tag,
                "build", Map.of("context", root.resolve("examples/vote").toString(), "args", Map.of("VERSION", tag)),
                "push", true, "replicas", replicas, "containerPort", 8080,
                "health", Map.of("interval", "1s", "passes", 1, "deadline", "30s"),
                "standby", Map.of("keep", "0s"),
                "router", Map.of("type", "haproxy", "drain", "2s",
                        "haproxy", Map.of("socket", socket, "backend", backend, "backendFile", backendFile))));
        if (engines != null) {
            tree.put("target", Map.of("type", "engines", "engines",
                    new com.fasterxml.jackson.databind.ObjectMapper().readValue("[" + engines + "]", List.class)));
        }
        return SpecReader.fromTree(tree, root, Map.of());
    }

    /** HAProxy's ready servers: all passing in Consul, none on the dead node, as many as the state names. */
    static boolean healed(BlueGreen bg, String service, Path socket, String backend, String dead) throws Exception {
        List<String> ready = new ArrayList<>();
        for (String line : admin(socket, "show servers state " + backend).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 6 && f[0].matches("\\d+") && f[6].equals("0")) {
                ready.add(f[4] + ":" + f[18]);
            }
        }
        if (ready.isEmpty() || ready.stream().anyMatch(a -> a.startsWith(dead + ":"))) {
            return false;
        }
        ServiceState state = bg.systems().store().readState(service).value();
        int wanted = state.color(state.activeColor().orElseThrow()).orElseThrow().replicas();
        Set<String> passing = bg.systems().registry().instances(service).stream().filter(Instance::passing)
                .map(i -> i.endpoint().toString()).collect(Collectors.toSet());
        return ready.size() == wanted && passing.containsAll(ready);
    }

    static String admin(Path socket, String command) throws Exception {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void script(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("scripts/" + name));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(200, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("scripts/" + name + " " + String.join(" ", args) + " failed");
        }
    }

    /** Back-to-back GETs through the proxy (2 s timeout each), each recorded with its status (0: no answer). */
    static void load(String url) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
        while (true) {
            int status;
            try {
                status = HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                status = 0;
            }
            samples.add(new long[] {System.nanoTime(), status});
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static long pct(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
