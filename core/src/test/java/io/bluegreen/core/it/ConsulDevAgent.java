package io.bluegreen.core.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second, per-test real Consul dev agent ({@code consul agent -dev}) on its own loopback ports, reading
 * {@code configDir} (where a test puts watch definitions); stopped and its data gone on {@link #close}.
 */
public final class ConsulDevAgent implements AutoCloseable {
    private final Process process;
    private final int httpPort;

    private ConsulDevAgent(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /** Starts the agent and waits (at most 30 s) until it has elected itself leader. */
    public static ConsulDevAgent start(Path configDir, Path log) throws IOException, InterruptedException {
        List<Integer> ports = freePorts(6);
        List<String> argv = new ArrayList<>(List.of("consul", "agent", "-dev", "-client", "127.0.0.1", "-bind", "127.0.0.1",
                "-node", "bluegreen-test-" + ports.get(0), "-config-dir", configDir.toString()));
        String[] flags = {"-http-port", "-dns-port", "-server-port", "-serf-lan-port", "-serf-wan-port", "-grpc-port"};
        for (int i = 0; i < flags.length; i++) {
            argv.add(flags[i]);
            argv.add(Integer.toString(ports.get(i)));
        }
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ConsulDevAgent agent = new ConsulDevAgent(p, ports.get(0));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end && p.isAlive()) {
            Stack.Response r = Stack.get(agent.url() + "/v1/status/leader");
            if (r.status() == 200 && r.body().contains(":")) {
                return agent;
            }
            Thread.sleep(200);
        }
        agent.close();
        throw new IllegalStateException("the per-test Consul agent did not elect a leader within 30 s; see " + log);
    }

    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** For {@code CONSUL_HTTP_ADDR}. */
    public String address() {
        return "127.0.0.1:" + httpPort;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
