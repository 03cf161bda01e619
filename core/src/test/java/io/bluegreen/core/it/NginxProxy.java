package io.bluegreen.core.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A real nginx for one test, started and stopped by the project's own scripts/nginx-proxy.sh. */
public final class NginxProxy implements Proxy, AutoCloseable {
    public final String name;
    public final int port;
    public final Path upstreamFile;
    public final Path configFile;
    /** The preview route's listener and upstream file (0 and null: none). */
    public final int previewPort;
    public final Path previewUpstreamFile;

    private NginxProxy(String name, int port, int previewPort, Map<String, String> kv) {
        this.name = name;
        this.port = port;
        this.upstreamFile = Path.of(kv.get("upstreamFile"));
        this.configFile = Path.of(kv.get("configFile"));
        this.previewPort = previewPort;
        this.previewUpstreamFile = kv.containsKey("previewUpstreamFile") ? Path.of(kv.get("previewUpstreamFile")) : null;
    }

    public static NginxProxy start(String service) throws IOException, InterruptedException {
        return start(service, false);
    }

    /** With {@code preview}, a second listener serves the preview route (previewUpstreamFile). */
    public static NginxProxy start(String service, boolean preview) throws IOException, InterruptedException {
        int port = ProxyScript.freePort();
        int previewPort = preview ? ProxyScript.freePort() : 0;
        return new NginxProxy(service, port, previewPort, ProxyScript.start("nginx", service, port, previewPort,
                "upstreamFile", "configFile"));
    }

    public String previewUrl() {
        return "http://127.0.0.1:" + previewPort + "/";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String routerYaml() {
        return """
                router:
                  type: nginx
                  nginx: { upstreamFile: %s, configFile: %s%s }
                """.formatted(upstreamFile, configFile, previewUpstreamFile == null ? ""
                        : ", previewUpstreamFile: " + previewUpstreamFile);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ProxyScript.run("nginx", "stop", name);
    }
}
