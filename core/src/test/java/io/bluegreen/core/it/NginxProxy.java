package io.bluegreen.core.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real nginx for one test, started and stopped by the project's own scripts/nginx-proxy.sh: in runtime mode (the Lua
 * balancer, no reload) unless the test asks for the reload mode.
 */
public final class NginxProxy implements Proxy, AutoCloseable {
    /** How the proxy flips: {@code BLUEGREEN_NGINX_MODE} for the script, {@code router.nginx.mode} for the spec. */
    public enum Mode { RUNTIME, RELOAD }

    public final String name;
    public final int port;
    public final Mode mode;
    public final Path upstreamFile;
    public final Path configFile;
    /** The admin socket (runtime mode; null in reload mode) and the metrics listener (host:port; null likewise). */
    public final String admin;
    public final String metrics;
    /** The preview route's listener and upstream file (0 and null: none). */
    public final int previewPort;
    public final Path previewUpstreamFile;

    private NginxProxy(String name, int port, int previewPort, Mode mode, Map<String, String> kv) {
        this.name = name;
        this.port = port;
        this.mode = mode;
        this.upstreamFile = Path.of(kv.get("upstreamFile"));
        this.configFile = Path.of(kv.get("configFile"));
        this.admin = kv.get("admin");
        this.metrics = kv.get("metrics");
        this.previewPort = previewPort;
        this.previewUpstreamFile = kv.containsKey("previewUpstreamFile") ? Path.of(kv.get("previewUpstreamFile")) : null;
    }

    public static NginxProxy start(String service) throws IOException, InterruptedException {
        return start(service, false);
    }

    /** With {@code preview}, a second listener serves the preview route (previewUpstreamFile). */
    public static NginxProxy start(String service, boolean preview) throws IOException, InterruptedException {
        return start(service, preview, Mode.RUNTIME);
    }

    public static NginxProxy start(String service, boolean preview, Mode mode) throws IOException, InterruptedException {
        int port = ProxyScript.freePort();
        int previewPort = preview ? ProxyScript.freePort() : 0;
        Map<String, String> kv = mode == Mode.RUNTIME
                ? ProxyScript.start("nginx", Map.of("BLUEGREEN_NGINX_MODE", "runtime"), service, port, previewPort,
                        "upstreamFile", "configFile", "admin", "metrics")
                : ProxyScript.start("nginx", Map.of("BLUEGREEN_NGINX_MODE", "reload"), service, port, previewPort,
                        "upstreamFile", "configFile");
        return new NginxProxy(service, port, previewPort, mode, kv);
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
        String files = "upstreamFile: " + upstreamFile
                + (previewUpstreamFile == null ? "" : ", previewUpstreamFile: " + previewUpstreamFile);
        return """
                router:
                  type: nginx
                  nginx: { %s, %s }
                """.formatted(files, mode == Mode.RUNTIME ? "admin: " + admin : "mode: reload, configFile: " + configFile);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ProxyScript.run("nginx", "stop", name);
    }
}
