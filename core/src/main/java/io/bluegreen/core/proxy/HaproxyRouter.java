package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.port.RouterException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.engine.port.TrafficSeries;
import io.bluegreen.core.proxy.HaproxyServers.Server;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Flips through HAProxy's runtime API, with no reload: the new endpoints are added (or put back) as servers
 * of the backend and set ready, then the old ones go to maintenance (they finish what they have in flight but
 * get no new request). Every answer is checked; the live state is read back ({@code show servers state}) before
 * the flip counts as done. The ready servers are then written into {@code backendFile}, which HAProxy loads at
 * start, so a restarted HAProxy serves the active color. Servers left in maintenance by the flip before are
 * deleted. A failure puts the servers that were ready back before it is reported.
 */
public final class HaproxyRouter implements TrafficRouter {
    private static final Set<String> DONE = Set.of("");
    private static final String MARK = "# bluegreen:";
    private static final int MAINT = 0x01 | 0x02 | 0x04 | 0x20;
    /** HAProxy's highest server weight. */
    private static final int MAX_WEIGHT = 256;
    private final HaproxyAdmin runtime;
    private final String backend;
    private final Path backendFile;
    private final Optional<Integer> serverMaxconn;

    /** {@code serverMaxconn}: the {@code maxconn} of every server this router adds (empty: none). */
    public HaproxyRouter(String socket, String backend, Path backendFile, Optional<Integer> serverMaxconn) {
        this(new HaproxyRuntime(socket), backend, backendFile, serverMaxconn);
    }

    /** {@code runtime} answers the runtime API's commands (a test records them). */
    HaproxyRouter(HaproxyAdmin runtime, String backend, Path backendFile, Optional<Integer> serverMaxconn) {
        this.runtime = runtime;
        this.backend = backend;
        this.backendFile = backendFile;
        this.serverMaxconn = serverMaxconn;
    }

    @Override
    public String describe() {
        return "HAProxy backend " + backend + " (admin socket " + runtime.address() + ")";
    }

    @Override
    public void check() {
        String answer = runtime.ask("show servers state " + backend);
        if (answer.startsWith("Can't find backend")) {
            throw new SystemUnreachableException("proxy", "HAProxy at " + runtime.address() + " has no backend " + backend, null);
        }
        HaproxyServers.parseState(backend, answer);
        try {
            header(backendLines());
        } catch (RouterException e) {
            throw new SystemUnreachableException("proxy", e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> snapshot() {
        List<String> ready = servers().stream().filter(Server::ready).map(s -> s.endpoint().toString()).sorted().toList();
        return ready.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", ready));
    }

    /** The servers ready with a weight: what HAProxy sends requests to now. */
    @Override
    public Set<Endpoint> liveEndpoints() {
        return servers().stream().filter(s -> s.ready() && s.weight() > 0).map(Server::endpoint).collect(Collectors.toSet());
    }

    @Override
    public void route(String service, List<Endpoint> endpoints, String note) {
        if (endpoints.isEmpty()) {
            throw new RouterException("refusing to route " + service + " to no endpoint at all");
        }
        apply(endpoints, note);
    }

    /** Nothing routed: every server of the backend goes to maintenance (HAProxy answers 503). */
    @Override
    public void clear(String service, String note) {
        apply(List.of(), note);
    }

    /**
     * Server weights give {@code canary} its share ({@link CanaryWeights}, scaled into HAProxy's 1..256). Canary
     * servers are added in maintenance, weighted, then set ready. A failure puts the routed servers back alone, at their initial weight.
     */
    @Override
    public void split(String service, List<Endpoint> canary, int percent, String note) {
        List<Server> before = servers();
        Set<String> canaryNames = canary.stream().map(HaproxyRouter::name).collect(Collectors.toSet());
        List<Server> stable = before.stream().filter(s -> s.ready() && !canaryNames.contains(s.name())).toList();
        if (stable.isEmpty() || canary.isEmpty()) {
            throw new RouterException("a canary step needs servers on both sides: " + stable.size() + " routed now, "
                    + canary.size() + " new");
        }
        CanaryWeights weights = CanaryWeights.of(percent, stable.size(), canary.size(), MAX_WEIGHT);
        try {
            Map<String, Server> byName = before.stream().collect(Collectors.toMap(Server::name, Function.identity()));
            for (Server s : stable) {
                weigh(s.name(), weights.stable());
            }
            for (Endpoint e : canary) {
                present(byName.get(name(e)), e);
                weigh(name(e), weights.canary());
                runtime.expect("set server " + backend + "/" + name(e) + " state ready", DONE);
            }
        } catch (RuntimeException e) {
            try {
                change(servers(), stable.stream().map(Server::endpoint).toList());
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    private void weigh(String server, int weight) {
        runtime.expect("set server " + backend + "/" + server + " weight " + weight, DONE);
    }

    /** What is wrong with {@code text} as a snapshot of this router: one {@code host:port} per line, nothing else. */
    static List<String> snapshotProblems(String text) {
        return text.lines().filter(l -> !io.bluegreen.core.spec.SpecReader.HOST_PORT.matcher(l).matches())
                .map(l -> "line '" + (l.length() > 60 ? l.substring(0, 60) + "..." : l) + "' is not host:port").toList();
    }

    @Override
    public void restore(Optional<String> snapshot) {
        apply(snapshot.map(s -> s.lines().map(Endpoint::parse).toList()).orElse(List.of()), "restored");
    }

    @Override
    public int inFlight(List<Endpoint> endpoints) {
        Map<String, Integer> requests = HaproxyServers.inFlight(backend, runtime.ask("show stat -1 4 -1"));
        return endpoints.stream().mapToInt(e -> requests.getOrDefault(name(e), 0)).sum();
    }

    /** {@code shutdown sessions server}: HAProxy ends the streams still on those servers (a deleted one has none). */
    @Override
    public void cutInFlight(List<Endpoint> endpoints) {
        Set<String> present = servers().stream().map(Server::name).collect(Collectors.toSet());
        endpoints.stream().map(HaproxyRouter::name).filter(present::contains)
                .forEach(s -> runtime.expect("shutdown sessions server " + backend + "/" + s, DONE));
    }

    @Override
    public Optional<TrafficSeries> metrics() {
        return Optional.of(new HaproxySeries(backend));
    }

    @Override
    public RouterRef ref() {
        return new HaproxyOptions(runtime.address(), backend, backendFile, serverMaxconn).ref();
    }

    private void apply(List<Endpoint> targets, String note) {
        List<Server> before = servers();
        try {
            change(before, targets);
            confirm(targets);
            writeBackendFile(targets, note);
        } catch (RuntimeException e) {
            try {
                change(servers(), before.stream().filter(Server::ready).map(Server::endpoint).toList());
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** New servers ready first, then the others to maintenance: for a moment both serve, never neither. */
    private void change(List<Server> current, List<Endpoint> targets) {
        Map<String, Server> byName = current.stream().collect(Collectors.toMap(Server::name, Function.identity()));
        Set<String> wanted = targets.stream().map(HaproxyRouter::name).collect(Collectors.toSet());
        for (Endpoint e : targets) {
            Server s = byName.get(name(e));
            present(s, e);
            if (s != null && s.weight() != s.initialWeight()) {
                // a canary step weighed it: a whole route serves in equal shares again
                runtime.expect("set server " + backend + "/" + name(e) + " weight 100%", DONE);
            }
            if (s == null || !s.ready()) {
                runtime.expect("set server " + backend + "/" + name(e) + " state ready", DONE);
            }
        }
        for (Server s : current) {
            if (wanted.contains(s.name())) {
                continue;
            }
            if ((s.adminState() & MAINT) == 0) {
                runtime.expect("set server " + backend + "/" + s.name() + " state maint", DONE);
            } else {
                deleteStale(s);
            }
        }
    }

    /** Adds a server for {@code e} when there is none ({@code s} null; HAProxy adds it in maintenance), else checks it. */
    private void present(Server s, Endpoint e) {
        if (s == null) {
            runtime.expect("add server " + backend + "/" + name(e) + " " + e + maxconn(), Set.of("New server registered."));
        } else if (!s.endpoint().equals(e)) {
            throw new RouterException("server " + backend + "/" + s.name() + " points at " + s.endpoint() + ", not " + e);
        }
    }

    /** A server already in maintenance before this flip; one still finishing a request stays until the next. */
    private void deleteStale(Server s) {
        String command = "del server " + backend + "/" + s.name();
        String answer = runtime.ask(command);
        if (!answer.equals("Server deleted.") && !answer.startsWith("Server still has connections")) {
            throw new RouterException("HAProxy answered '" + command + "' unexpectedly: " + answer);
        }
    }

    /** Reads the live state back: exactly the targets ready and running, every other server in maintenance. */
    private void confirm(List<Endpoint> targets) {
        Set<String> wanted = targets.stream().map(HaproxyRouter::name).collect(Collectors.toSet());
        List<String> wrong = new ArrayList<>();
        List<Server> now = servers();
        for (Server s : now) {
            boolean serving = s.ready() && s.opState() == 2;
            if (wanted.contains(s.name()) != serving || (!wanted.contains(s.name()) && (s.adminState() & MAINT) == 0)) {
                wrong.add(s.name() + " (op " + s.opState() + ", admin " + s.adminState() + ")");
            }
        }
        Set<String> present = now.stream().map(Server::name).collect(Collectors.toSet());
        wanted.stream().filter(w -> !present.contains(w)).forEach(w -> wrong.add(w + " missing"));
        if (!wrong.isEmpty()) {
            throw new RouterException("HAProxy's live state does not show the flip to " + targets + ": " + String.join(", ", wrong));
        }
    }

    private List<Server> servers() {
        return HaproxyServers.parseState(backend, runtime.ask("show servers state " + backend));
    }

    /** Keeps every line of the file but the tool's own, and puts the server lines right under {@code backend B}. */
    private void writeBackendFile(List<Endpoint> targets, String note) {
        List<String> lines = new ArrayList<>(backendLines());
        int at = header(lines) + 1;
        // Only this backend's section: the file may hold another (the preview backend).
        for (int i = at; i < lines.size() && !section(lines.get(i)); ) {
            String l = lines.get(i).strip();
            if (l.startsWith("server ") || l.startsWith(MARK)) {
                lines.remove(i);
            } else {
                i++;
            }
        }
        List<String> mine = new ArrayList<>();
        mine.add("    " + MARK + " " + note.replaceAll("[\\r\\n]", " ") + ". The server lines are rewritten after every flip.");
        targets.forEach(e -> mine.add("    server " + name(e) + " " + e + maxconn()));
        lines.addAll(at, mine);
        AtomicFile.write(backendFile, Optional.of(String.join("\n", lines) + "\n"));
    }

    private static boolean section(String line) {
        return line.matches("(backend|frontend|listen|defaults|global|resolvers|peers|userlist|program|cache)(\\s.*)?");
    }

    private List<String> backendLines() {
        return AtomicFile.read(backendFile).map(s -> s.lines().toList())
                .orElseThrow(() -> new RouterException("HAProxy backend file " + backendFile + " does not exist"));
    }

    private int header(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().matches("backend\\s+" + java.util.regex.Pattern.quote(backend))) {
                return i;
            }
        }
        throw new RouterException("HAProxy backend file " + backendFile + " has no 'backend " + backend + "' line");
    }

    private String maxconn() {
        return serverMaxconn.map(m -> " maxconn " + m).orElse("");
    }

    /** Server names are the endpoints themselves: a flip back finds the standby's servers by address. */
    private static String name(Endpoint e) {
        return e.toString();
    }
}
