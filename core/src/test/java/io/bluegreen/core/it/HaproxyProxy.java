package io.bluegreen.core.it;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** A real HAProxy for one test, started, restarted and stopped by the project's own scripts/haproxy-proxy.sh. */
public final class HaproxyProxy implements Proxy, AutoCloseable {
    public final String name;
    public final int port;
    public final Path socket;
    public final String backend;
    public final Path backendFile;
    /** The preview route's listener and backend (0 and null: none). */
    public final int previewPort;
    public final String previewBackend;

    private HaproxyProxy(String name, int port, int previewPort, Map<String, String> kv) {
        this.name = name;
        this.port = port;
        this.previewPort = previewPort;
        this.previewBackend = kv.get("previewBackend");
        this.socket = Path.of(kv.get("socket"));
        this.backend = kv.get("backend");
        this.backendFile = Path.of(kv.get("backendFile"));
    }

    public static HaproxyProxy start(String service) throws IOException, InterruptedException {
        return start(service, false);
    }

    /** With {@code preview}, a second listener serves the preview route (previewBackend). */
    public static HaproxyProxy start(String service, boolean preview) throws IOException, InterruptedException {
        int port = ProxyScript.freePort();
        int previewPort = preview ? ProxyScript.freePort() : 0;
        return new HaproxyProxy(service, port, previewPort, ProxyScript.start("haproxy", service, port, previewPort, "socket",
                "backend", "backendFile"));
    }

    public String previewUrl() {
        return "http://127.0.0.1:" + previewPort + "/";
    }

    /** Stops HAProxy and starts it again from its config files: whatever was set at runtime only is gone. */
    public void restart() throws IOException, InterruptedException {
        close();
        ProxyScript.start("haproxy", name, port, previewPort, "socket");
    }

    /** One runtime API command on the admin socket, for a test to look at HAProxy's live state. */
    public String admin(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String routerYaml() {
        return """
                router:
                  type: haproxy
                  drain: 20s
                  haproxy: { socket: %s, backend: %s, backendFile: %s%s }
                """.formatted(socket, backend, backendFile, previewBackend == null ? "" : ", previewBackend: " + previewBackend);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ProxyScript.run("haproxy", "stop", name);
    }
}
