package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.it.HaproxyProxy;
import io.bluegreen.core.it.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the heal cascade tests look at, read the way an operator would: the docker CLI (containers by the project's
 * labels), Consul's HTTP API (agent services, health, KV {@code bluegreen/S/state} and {@code bluegreen/S/journal}),
 * HAProxy's admin socket, and requests through the proxy. Nothing here uses the engine's own classes, so the tests
 * hold whatever shape the engine takes inside. Every wait is bounded.
 */
final class Cascade {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"");
    /** HAProxy admin-state bits that keep new requests away from a server: every kind of maintenance, and drain. */
    private static final int NOT_SERVING = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40;

    private Cascade() {
    }

    /** {@code bluegreen deploy -f SPEC} of the example app (2 replicas, 1 s checks, 2 passes) behind {@code haproxy}. */
    static void deploy(java.nio.file.Path dir, String service, String tag, HaproxyProxy haproxy) throws Exception {
        CliRun d = CliRun.run(Stack.env(), "", "deploy", "-f", io.bluegreen.core.it.Specs.write(dir, service, tag, haproxy, "10m", null).toString());
        if (d.exit() != 0) {
            throw new AssertionError("deploying " + service + " " + tag + " failed (exit " + d.exit() + "):\n" + d.all());
        }
    }

    // ---------------------------------------------------------------- the state in Consul KV

    /** {@code bluegreen/S/state} as names: the active color, and per color its version, replica names and endpoints. */
    record State(String active, Map<String, String> versions, Map<String, List<String>> names, Map<String, List<String>> endpoints) {
        String standby() {
            return "blue".equals(active) ? "green" : "blue";
        }

        List<String> activeNames() {
            return names.getOrDefault(active, List.of());
        }

        Set<String> allNames() {
            Set<String> all = new TreeSet<>();
            names.values().forEach(all::addAll);
            return all;
        }

        Set<String> allEndpoints() {
            Set<String> all = new TreeSet<>();
            endpoints.values().forEach(all::addAll);
            return all;
        }
    }

    /** The state, or null when there is none (or it cannot be read). */
    static State state(String service) {
        String raw = Stack.kv("bluegreen/" + service + "/state");
        if (raw == null) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(raw).path("body"); // the saved envelope's body (docs/spec.md, "The saved state")
            Map<String, String> versions = new LinkedHashMap<>();
            Map<String, List<String>> names = new LinkedHashMap<>();
            Map<String, List<String>> endpoints = new LinkedHashMap<>();
            root.path("colors").properties().forEach(e -> {
                versions.put(e.getKey(), e.getValue().path("version").asText(null));
                names.put(e.getKey(), texts(e.getValue().path("replicaIds")));
                endpoints.put(e.getKey(), texts(e.getValue().path("endpoints")));
            });
            return new State(root.path("active").asText(null), versions, names, endpoints);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static boolean journal(String service) {
        return Stack.kv("bluegreen/" + service + "/journal") != null;
    }

    /** Whether a session holds {@code bluegreen/S/lock}. */
    static boolean locked(String service) {
        Stack.Response r = Stack.get(Stack.consul() + "/v1/kv/bluegreen/" + service + "/lock");
        if (r.status() != 200) {
            return false;
        }
        try {
            JsonNode n = JSON.readTree(r.body());
            return n.isArray() && n.size() > 0 && n.get(0).hasNonNull("Session");
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- containers (docker CLI, by our labels)

    record Container(String name, String color, String state) {
        boolean running() {
            return "running".equals(state);
        }

        @Override
        public String toString() {
            return name + " (" + color + ", " + state + ")";
        }
    }

    /** Every container carrying {@code bluegreen.service=S}, whatever its state. */
    static List<Container> containers(String service) {
        String out = docker(Duration.ofSeconds(30), "ps", "-a", "--filter", "label=bluegreen.service=" + service,
                "--format", "{{.Names}}\t{{.Label \"bluegreen.color\"}}\t{{.State}}");
        List<Container> list = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 3 && !f[0].isBlank()) {
                list.add(new Container(f[0].strip(), f[1].strip(), f[2].strip()));
            }
        }
        return list;
    }

    /** {@code docker kill} each of {@code names} at once (one command); returns its output. */
    static String kill(List<String> names) {
        List<String> args = new ArrayList<>(List.of("kill"));
        args.addAll(names);
        return docker(Duration.ofSeconds(30), args.toArray(String[]::new));
    }

    static String docker(Duration bound, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not end within " + bound.toSeconds() + "s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /**
     * The heal's replacement: the first running container of {@code service} in {@code color} that is not in
     * {@code before}, polled every 20 ms for at most {@code bound}. Fails with {@code context}'s text when none shows up.
     */
    static String awaitReplacement(String service, String color, Set<String> before, Duration bound,
                                   Supplier<String> context) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < end) {
            for (Container c : containers(service)) {
                if (c.running() && color.equals(c.color()) && !before.contains(c.name())) {
                    return c.name();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no replacement container of " + service + " " + color + " appeared within "
                + bound.toSeconds() + "s of the first kill; containers: " + containers(service) + "\n" + context.get());
    }

    // ---------------------------------------------------------------- Consul

    /** The service IDs the Consul agent has registered for {@code service}. */
    static Set<String> registered(String service) {
        Set<String> ids = new TreeSet<>();
        try {
            JSON.readTree(Stack.get(Stack.consul() + "/v1/agent/services").body()).properties().forEach(e -> {
                if (service.equals(e.getValue().path("Service").asText())) {
                    ids.add(e.getValue().path("ID").asText(e.getKey()));
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Consul's agent services: " + e.getMessage(), e);
        }
        return ids;
    }

    /** Instances of {@code service} whose every check passes. */
    static Set<String> passing(String service) {
        Set<String> ids = new TreeSet<>();
        try {
            for (JsonNode e : JSON.readTree(Stack.get(Stack.consul() + "/v1/health/service/" + service).body())) {
                boolean ok = true;
                for (JsonNode c : e.path("Checks")) {
                    ok &= "passing".equals(c.path("Status").asText());
                }
                if (ok) {
                    ids.add(e.at("/Service/ID").asText());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Consul's health of " + service + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** Consul's own {@code /v1/health/checks/S}: exactly what a {@code checks} watch hands its handler. */
    static String checksPayload(String service) {
        Stack.Response r = Stack.get(Stack.consul() + "/v1/health/checks/" + service);
        if (r.status() != 200) {
            throw new IllegalStateException("Consul answered " + r.status() + " for the checks of " + service + ": " + r.body());
        }
        return r.body();
    }

    /** Whether Consul reports a critical check on {@code id}. */
    static boolean critical(String service, String id) {
        try {
            for (JsonNode c : JSON.readTree(checksPayload(service))) {
                if (id.equals(c.path("ServiceID").asText()) && "critical".equals(c.path("Status").asText())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- HAProxy

    /** Every server of the backend, as {@code addr:port} → its admin state. */
    static Map<String, Integer> haproxyServers(HaproxyProxy haproxy) throws IOException {
        List<String> lines = haproxy.admin("show servers state " + haproxy.backend).lines().toList();
        Map<String, Integer> out = new LinkedHashMap<>();
        if (lines.size() < 2 || !lines.get(1).startsWith("# ")) {
            return out;
        }
        List<String> header = Arrays.asList(lines.get(1).substring(2).split(" "));
        int addr = header.indexOf("srv_addr");
        int port = header.indexOf("srv_port");
        int admin = header.indexOf("srv_admin_state");
        for (String line : lines.subList(2, lines.size())) {
            String[] f = line.split(" ");
            if (f.length > Math.max(addr, Math.max(port, admin))) {
                out.put(f[addr] + ":" + f[port], Integer.parseInt(f[admin]));
            }
        }
        return out;
    }

    static Set<String> serving(Map<String, Integer> servers) {
        Set<String> out = new TreeSet<>();
        servers.forEach((ep, admin) -> {
            if ((admin & NOT_SERVING) == 0) {
                out.add(ep);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- leftovers

    /**
     * What is there that the state does not account for; empty when clean. Always: a state with an active color,
     * no journal, every container of the service and every Consul registration of it named by the state, and HAProxy
     * serving (not in maintenance) exactly the active color's endpoints. A server left in maintenance is not counted:
     * HAProxy sends it nothing, and the router deletes such servers at its next flip by design.
     * {@code strict} adds: every container runs, and Consul's registrations are exactly the running containers the
     * state names.
     */
    static List<String> leftovers(String service, HaproxyProxy haproxy, boolean strict) throws IOException {
        List<String> problems = new ArrayList<>();
        State s = state(service);
        if (s == null || s.active() == null) {
            problems.add("no state with an active color in bluegreen/" + service + "/state");
            return problems;
        }
        if (journal(service)) {
            problems.add("the journal bluegreen/" + service + "/journal is still there: " + Stack.kv("bluegreen/" + service + "/journal"));
        }
        Set<String> named = s.allNames();
        List<Container> containers = containers(service);
        Set<String> runningNamed = new TreeSet<>();
        for (Container c : containers) {
            if (!named.contains(c.name())) {
                problems.add("container " + c + " is not named by the state");
            } else if (c.running()) {
                runningNamed.add(c.name());
            } else if (strict) {
                problems.add("container " + c + " is named by the state but not running");
            }
        }
        Set<String> registered = registered(service);
        for (String id : registered) {
            if (!named.contains(id)) {
                problems.add("Consul registration " + id + " is not named by the state");
            }
        }
        if (strict && !registered.equals(runningNamed)) {
            problems.add("Consul's registrations " + registered + " are not the running containers the state names " + runningNamed);
        }
        if (haproxy != null) {
            Map<String, Integer> servers = haproxyServers(haproxy);
            Set<String> serving = serving(servers);
            Set<String> active = new TreeSet<>(s.endpoints().getOrDefault(s.active(), List.of()));
            if (!serving.equals(active)) {
                problems.add("HAProxy serves " + serving + " but the state's active " + s.active() + " is at " + active
                        + " (all servers, addr -> admin state: " + servers + ")");
            }
        }
        if (!problems.isEmpty()) {
            problems.add("(state: " + s + "; containers: " + containers + "; registered: " + registered + ")");
        }
        return problems;
    }

    /** Waits at most {@code bound} until {@link #leftovers} finds nothing; returns what it found last (empty: clean). */
    static List<String> awaitNoLeftovers(String service, HaproxyProxy haproxy, boolean strict, Duration bound)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        List<String> last = leftovers(service, haproxy, strict);
        while (!last.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(250);
            last = leftovers(service, haproxy, strict);
        }
        return last;
    }

    /**
     * Waits at most {@code bound} until the state has {@code colors} colors of {@code replicas} each, every one
     * passing in Consul, nothing left over and the lock free: a clean starting point. Fails saying what was missing.
     */
    static State awaitSteady(String service, HaproxyProxy haproxy, int colors, int replicas, Duration bound)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        String why;
        do {
            State s = state(service);
            Set<String> passing = passing(service);
            if (s == null) {
                why = "no state";
            } else if (s.names().size() != colors || s.names().values().stream().anyMatch(n -> n.size() != replicas)) {
                why = "the state names " + s.names() + ", not " + colors + " color(s) of " + replicas;
            } else if (!passing.containsAll(s.allNames())) {
                why = "not every replica passes: passing " + passing + ", named " + s.allNames();
            } else if (locked(service)) {
                why = "bluegreen/" + service + "/lock is held";
            } else {
                List<String> left = leftovers(service, haproxy, true);
                if (left.isEmpty()) {
                    return s;
                }
                why = String.join("; ", left);
            }
            Thread.sleep(200);
        } while (System.nanoTime() < end);
        throw new AssertionError("no steady " + service + " (" + colors + " color(s) of " + replicas + " passing replicas, nothing "
                + "left over) within " + bound.toSeconds() + "s: " + why);
    }

    static String versionOf(String body) {
        Matcher m = VERSION.matcher(body == null ? "" : body);
        return m.find() ? m.group(1) : null;
    }

    // ---------------------------------------------------------------- light load through the proxy

    /**
     * Requests {@code url} every 20 ms (one at a time, loopback), recording each answer's time, status and the
     * version it names; stops when closed, after 3 minutes at the latest.
     */
    static final class Prober implements AutoCloseable {
        record Sample(long nanos, int status, String version) {
        }

        private final String url;
        private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean stopped;

        Prober(String url) {
            this.url = url;
            this.thread = new Thread(this::loop, "cascade-prober");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!stopped && System.nanoTime() < end) {
                Stack.Response r = Stack.get(url);
                samples.add(new Sample(System.nanoTime(), r.status(), r.status() == 200 ? versionOf(r.body()) : null));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The time of the first answer 200 from {@code version} sent after {@code from}, or -1. */
        long firstServed(long from, String version) {
            synchronized (samples) {
                return samples.stream().filter(s -> s.nanos() > from && s.status() == 200 && version.equals(s.version()))
                        .mapToLong(Sample::nanos).min().orElse(-1);
            }
        }

        /** Waits at most {@code bound} for {@link #firstServed}; -1 when it did not happen. */
        long awaitServed(long from, String version, Duration bound) throws InterruptedException {
            long end = System.nanoTime() + bound.toNanos();
            long t;
            while ((t = firstServed(from, version)) < 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            return t;
        }

        int failedBetween(long from, long to) {
            synchronized (samples) {
                return (int) samples.stream().filter(s -> s.nanos() >= from && s.nanos() <= to && s.status() != 200).count();
            }
        }

        int count() {
            return samples.size();
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            thread.join(10_000);
        }
    }
}
