package io.bluegreen.core.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real nginx for one test, started and stopped by the project's own scripts/nginx-proxy.sh. */
public final class NginxProxy implements AutoCloseable {
    public final String name;
    public final int port;
    public final Path upstreamFile;
    public final Path configFile;

    private NginxProxy(String name, int port, Path upstreamFile, Path configFile) {
        this.name = name;
        this.port = port;
        this.upstreamFile = upstreamFile;
        this.configFile = configFile;
    }

    public static NginxProxy start(String service) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> kv = new HashMap<>();
        String out = run("start", service, Integer.toString(port), service);
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        if (!kv.containsKey("upstreamFile") || !kv.containsKey("configFile")) {
            throw new IllegalStateException("nginx-proxy.sh start printed no paths: " + out);
        }
        return new NginxProxy(service, port, Path.of(kv.get("upstreamFile")), Path.of(kv.get("configFile")));
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    private static String run(String... args) throws IOException, InterruptedException {
        String[] argv = new String[args.length + 1];
        argv[0] = Stack.ROOT.resolve("scripts/nginx-proxy.sh").toString();
        System.arraycopy(args, 0, argv, 1, args.length);
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/nginx-proxy.sh " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("stop", name);
    }
}
