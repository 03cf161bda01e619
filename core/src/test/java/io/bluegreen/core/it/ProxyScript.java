package io.bluegreen.core.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's own scripts/KIND-proxy.sh (nginx or haproxy) and reads the key=value lines it prints. */
final class ProxyScript {
    private ProxyScript() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * {@code start NAME PORT NAME [PREVIEW_PORT]} ({@code previewPort} 0: no preview route): the printed keys, each of
     * {@code required} checked present.
     */
    static Map<String, String> start(String kind, String name, int port, int previewPort, String... required)
            throws IOException, InterruptedException {
        return start(kind, Map.of(), name, port, previewPort, required);
    }

    /** As {@link #start(String, String, int, int, String...)}, with {@code env} added to the script's environment. */
    static Map<String, String> start(String kind, Map<String, String> env, String name, int port, int previewPort,
                                     String... required) throws IOException, InterruptedException {
        String out = previewPort == 0 ? run(kind, env, "start", name, Integer.toString(port), name)
                : run(kind, env, "start", name, Integer.toString(port), name, Integer.toString(previewPort));
        Map<String, String> kv = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        for (String key : required) {
            if (!kv.containsKey(key)) {
                throw new IllegalStateException(kind + "-proxy.sh start printed no " + key + ": " + out);
            }
        }
        return kv;
    }

    static String run(String kind, String... args) throws IOException, InterruptedException {
        return run(kind, Map.of(), args);
    }

    static String run(String kind, Map<String, String> env, String... args) throws IOException, InterruptedException {
        String[] argv = new String[args.length + 1];
        argv[0] = Stack.ROOT.resolve("scripts/" + kind + "-proxy.sh").toString();
        System.arraycopy(args, 0, argv, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/" + kind + "-proxy.sh " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
