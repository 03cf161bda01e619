package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.it.NginxProxy;
import io.bluegreen.core.it.Proxy;
import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Specs;
import io.bluegreen.core.it.Stack;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Every command shown in the code blocks of README.md and docs/cli.md, run as shown against the real stack, in the
 * order the docs show them, its exit code checked (0, or the {@code # exit N} the docs write beside it). The docs'
 * placeholders (SERVICE, SPEC.yml, the example ports...) are filled from {@link #placeholders}; optional parts
 * ({@code [--json]}) are given. A command this test does not know fails it: a new one in the docs needs its line here.
 */
public class DocumentedCommandsIntegrationTest {
    /** Commands the docs show that this test does not run, and why. */
    private static final Map<String, String> NOT_RUN = Map.of(
            "bin/bluegreen demo", "the main job itself: it installs, runs three releases and leaves its stack up; "
                    + "`bin/bluegreen demo --down` would stop the stack every other test needs",
            "scripts/test.sh", "every test, this one among them",
            "JENKINS_USER=heal-bot JENKINS_API_TOKEN=... bin/bluegreen heal-server ... --jenkins-url https://ci.example "
                    + "--jenkins-job ops/heal-vote", "needs a Jenkins; JenkinsHealIntegrationTest hands off to a stand-in");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("docs");
    @Rule
    public ServiceUnderTest canary = new ServiceUnderTest("docs-canary");

    private final Map<String, String> env = new HashMap<>(Stack.env());
    private final Map<String, String> placeholders = new LinkedHashMap<>();
    /** Run just before a documented command, to put the service where the docs' text has it. */
    private final Map<String, Hook> before = new HashMap<>();
    private final List<CliRun> servers = new ArrayList<>();
    private String other;
    private NginxProxy nginx;
    private Path dir;
    private Map<String, String> canaryProxy = Map.of();

    private interface Hook {
        void run() throws Exception;
    }

    /** One command of a code block: where it is, its text (comment cut off), and the exit code written beside it. */
    private record Documented(String file, int line, int block, String command, int exit) {
    }

    @Before
    public void setUp() throws Exception {
        dir = tmp.getRoot().toPath();
        nginx = svc.nginx(true);
        other = Stack.uniqueService("docs-other");
        Path v1 = Specs.write(dir, svc.name(), "v1", nginx, "10m", null);
        Path manualV2 = Specs.write(dir, svc.name(), "v2", nginx, "10m", "preview: { url: \"" + nginx.previewUrl() + "\" }\n"
                + "promotion: { mode: manual, timeout: 30m }\n");
        new Deployer(Stack.shared().systems(), e -> { }).deploy(io.bluegreen.core.spec.SpecReader.read(v1, Map.of()));
        Path payload = Files.writeString(dir.resolve("payload.json"), "[]");
        placeholders.put("SPEC.yml", manualV2.toString());
        placeholders.put("v2.yml", manualV2.toString());
        placeholders.put("canary-v2.yml", dir.resolve("canary-v2.yml").toString());
        placeholders.put("/etc/consul.d/bluegreen-vote.json", dir.resolve("bluegreen-vote.json").toString());
        placeholders.put("payload.json", payload.toString());
        placeholders.put("SERVICE", svc.name());
        placeholders.put("vote", svc.name());
        placeholders.put("rc12j", svc.name());
        placeholders.put("other", other);
        placeholders.put("canary", canary.name());
        placeholders.put("TAG", "v2");
        placeholders.put("REPO", Stack.REGISTRY + "/vote");
        placeholders.put("VERSION", "v1");
        placeholders.put("N", "5");
        placeholders.put("DOCKER_HOST", env.getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock"));
        placeholders.put("SECONDS", "30");
        for (String port : List.of("18473", "18474", "8765")) {
            placeholders.put(port, Integer.toString(freePort()));
        }
        // The docs show abort right after promote, "instead of promote": a color is put in preview first.
        before.put("bin/bluegreen abort -s SERVICE", () -> ok(cli("deploy", "-f", manualV2.toString())));
        before.put("bin/bluegreen abort -s canary", () -> ok(cli("deploy", "-f", canarySpec().toString())));
        // "a spec as above (service: canary, tag: v2, ...) with" the release control the README shows, v1 live.
        before.put("bin/bluegreen deploy -f canary-v2.yml", () -> {
            ok(cli("deploy", "-f", Specs.write(dir, canary.name(), "v1", canaryRouter, "10m", null).toString()));
            canarySpec();
        });
    }

    @After
    public void tearDown() throws Exception {
        for (CliRun s : servers) {
            s.close();
        }
        Stack.cleanUp(Stack.shared().systems(), other);
        if (!canaryProxy.isEmpty()) {
            shell(List.of(Stack.ROOT.resolve("scripts/haproxy-proxy.sh").toString(), "stop", canary.name()), Map.of());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The HAProxy the docs' own `scripts/haproxy-proxy.sh start` line started, as a spec's router. */
    private final Proxy canaryRouter = new Proxy() {
        @Override
        public int port() {
            return Integer.parseInt(placeholders.get("18473"));
        }

        @Override
        public String routerYaml() {
            return """
                    router:
                      type: haproxy
                      haproxy: { socket: %s, backend: %s, backendFile: %s, previewBackend: %s }
                    """.formatted(canaryProxy.get("socket"), canaryProxy.get("backend"), canaryProxy.get("backendFile"),
                    canaryProxy.get("previewBackend"));
        }
    };

    /** The README's canary-v2.yml: manual promotion through two canary steps, with its three kinds of hooks. */
    private Path canarySpec() throws IOException {
        Path smoke = dir.resolve("smoke.sh");
        Files.writeString(smoke, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(smoke, PosixFilePermissions.fromString("rwx------"));
        String preview = "http://127.0.0.1:" + placeholders.get("18474") + "/";
        Path written = Specs.write(dir, canary.name(), "v2", canaryRouter, "10m", """
                preview: { url: "%s" }
                promotion:
                  mode: manual
                  timeout: 1h
                  steps: [ { weight: 25, pause: 5s }, { weight: 50, pause: 5s } ]
                hooks:
                  prePromotion:  [ { http: "%shealth", times: 3 } ]
                  postPromotion: [ { run: [ %s ], timeout: 2m } ]
                  onFailure:     [ { run: [ logger, -t, bluegreen, "release failed" ] } ]
                """.formatted(preview, preview, smoke));
        return Files.move(written, dir.resolve("canary-v2.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    // --- reading the docs ---

    private static final Pattern EXIT = Pattern.compile("\\bexit (\\d)\\b");

    /** Each command line of a sh or text block (text blocks: the lines after "$ "), in order. */
    static List<Documented> documented(String name) throws IOException {
        List<String> lines = Files.readAllLines(Stack.ROOT.resolve(name));
        List<Documented> found = new ArrayList<>();
        String fence = null;
        int block = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                fence = fence == null ? l.substring(3).strip() : null;
                block = i + 1;
                continue;
            }
            if (fence == null || !(fence.equals("sh") || fence.equals("text"))) {
                continue;
            }
            String text = fence.equals("text") ? (l.startsWith("$ ") ? l.substring(2) : "") : l;
            int hash = text.indexOf(" #");
            String comment = hash < 0 ? "" : text.substring(hash);
            String command = (hash < 0 ? text : text.substring(0, hash)).strip();
            if (command.isEmpty() || command.startsWith("#")) {
                continue;
            }
            Matcher exit = EXIT.matcher(comment);
            found.add(new Documented(name, i + 1, block, command, exit.find() ? Integer.parseInt(exit.group(1)) : 0));
        }
        return found;
    }

    /** The docs' placeholders filled, longest first, each as a whole word; optional parts given, "..." dropped. */
    String filled(String command) {
        String s = command.replace("[", "").replace("]", "").replaceAll("(?<=\\s)\\.\\.\\.(?=\\s|$)", "")
                .replaceAll("\\s+", " ").strip();
        List<String> keys = new ArrayList<>(placeholders.keySet());
        keys.sort(Comparator.comparingInt(String::length).reversed());
        for (String k : keys) {
            s = s.replaceAll("(?<![\\w/.-])" + Pattern.quote(k) + "(?![\\w-])", Matcher.quoteReplacement(placeholders.get(k)));
        }
        return s;
    }

    /** Words split as a shell would for these lines (double quotes only), and a trailing {@code < FILE}. */
    private static List<String> words(String line) {
        List<String> w = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            w.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return w;
    }

    // --- running them ---

    private record Ran(int exit, String out) {
    }

    private static void ok(Ran r) {
        assertEquals(r.out(), 0, r.exit());
    }

    private Ran cli(String... args) throws Exception {
        return cli(env, "", List.of(args));
    }

    private Ran cli(Map<String, String> withEnv, String stdin, List<String> args) throws Exception {
        StringWriter out = new StringWriter();
        int exit = new BlueGreenCli(withEnv, new PrintWriter(out), new PrintWriter(out),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))).run(args.toArray(String[]::new));
        return new Ran(exit, out.toString());
    }

    private Ran shell(List<String> argv, Map<String, String> extraEnv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(Stack.ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", argv) + " did not end within 3 minutes", p.waitFor(3, TimeUnit.MINUTES));
        return new Ran(p.exitValue(), out);
    }

    /** Runs one documented command as a person would type it, filled; a heal server keeps running until its block ends. */
    private Ran run(Documented d) throws Exception {
        String line = filled(d.command());
        if (line.startsWith("export ")) {
            String[] kv = line.substring(7).split("=", 2);
            env.put(kv[0], kv[1].equals("...") || kv[1].isEmpty() ? "docs-secret-" + UUID.randomUUID() : kv[1]);
            return new Ran(0, "");
        }
        List<String> w = words(line);
        Map<String, String> prefix = new LinkedHashMap<>();
        while (!w.isEmpty() && w.get(0).matches("[A-Z_]+=.*")) {
            String[] kv = w.remove(0).split("=", 2);
            prefix.put(kv[0], kv[1]);
        }
        String stdin = "";
        if (w.size() >= 2 && w.get(w.size() - 2).equals("<")) {
            stdin = Files.readString(Path.of(w.remove(w.size() - 1)));
            w.remove(w.size() - 1);
        }
        String program = w.remove(0);
        if (!program.equals("bin/bluegreen") || !prefix.isEmpty()) {
            // Through the shell and the launcher (a heal server's URL is the launcher's own path, curl and no JVM).
            List<String> argv = new ArrayList<>(List.of(Stack.ROOT.resolve(program).toString()));
            argv.addAll(w);
            Ran r = shell(argv, prefix);
            if (prefix.containsKey("BLUEGREEN_HEAL_URL")) {
                assertFalse("the launcher did not go through the heal server: " + r.out(), r.out().contains("rolling back here"));
                assertTrue("what the CLI prints, the phases then the outcome: " + r.out(), r.out().contains(" > flip ")
                        && r.out().strip().lines().reduce((a, b) -> b).orElse("").contains(" is back on "));
            }
            if (program.endsWith("haproxy-proxy.sh") && r.exit() == 0) {
                canaryProxy = keyValues(r.out());
            }
            return r;
        }
        Map<String, String> withEnv = new HashMap<>(env);
        if (w.get(0).equals("heal-server")) {
            CliRun server = CliRun.background(withEnv, "listening on", w.toArray(String[]::new));
            servers.add(server);
            return new Ran(0, server.out());
        }
        return cli(withEnv, stdin, w);
    }

    private static Map<String, String> keyValues(String out) {
        Map<String, String> kv = new HashMap<>();
        for (String l : out.split("\n")) {
            int eq = l.indexOf('=');
            if (eq > 0 && !l.contains(" ")) {
                kv.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return kv;
    }

    @Test
    public void everyCommandOfTheReadmeAndTheCliReferenceRunsAsShown() throws Exception {
        List<Documented> all = new ArrayList<>(documented("README.md"));
        all.addAll(documented("docs/cli.md"));
        assertTrue("found too few commands to believe the reader: " + all, all.size() >= 20);
        List<String> failures = new ArrayList<>();
        Documented previous = null;
        for (Documented d : all) {
            if (previous != null && (previous.block() != d.block() || !previous.file().equals(d.file()))) {
                for (CliRun s : servers) {
                    s.close(); // a heal server shown in a block runs until the block ends
                }
                servers.clear();
            }
            previous = d;
            if (NOT_RUN.containsKey(d.command())) {
                System.out.println(d.file() + ":" + d.line() + " not run: " + d.command() + " (" + NOT_RUN.get(d.command()) + ")");
                continue;
            }
            Hook hook = before.get(d.command());
            if (hook != null) {
                hook.run();
            }
            Ran r = run(d);
            System.out.println(d.file() + ":" + d.line() + " exit " + r.exit() + ": " + filled(d.command()));
            if (r.exit() != d.exit()) {
                failures.add(d.file() + ":" + d.line() + ": `" + d.command() + "` exited " + r.exit() + ", the docs say "
                        + d.exit() + ":\n" + r.out());
            }
        }
        assertEquals(String.join("\n", failures), List.of(), failures);
        // What the commands did, seen from outside: the watch configuration was written private.
        Path config = Path.of(placeholders.get("/etc/consul.d/bluegreen-vote.json"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertTrue(Files.readString(config).contains("/v1/heal/" + svc.name()));
    }

    @Test
    public void theReaderFindsTheCommandsAndFillsThePlaceholders() throws Exception {
        List<Documented> cli = documented("docs/cli.md");
        assertTrue(cli.toString(), cli.stream().anyMatch(d -> d.command().equals("bin/bluegreen abort -s rc12j") && d.exit() == 1));
        assertTrue(cli.toString(), cli.stream().noneMatch(d -> d.command().startsWith("13:37")));
        assertEquals("bin/bluegreen history -s " + svc.name() + " --json -n 5", filled("bin/bluegreen history -s SERVICE [--json] [-n N]"));
        assertEquals("bin/bluegreen heal-server --listen 127.0.0.1:" + placeholders.get("8765") + " -s " + svc.name() + " -s " + other,
                filled("bin/bluegreen heal-server --listen 127.0.0.1:8765 -s vote [-s other ...]"));
    }
}
