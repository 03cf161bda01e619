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

    private NginxProxy(String name, int port, Path upstreamFile, Path configFile) {
        this.name = name;
        this.port = port;
        this.upstreamFile = upstreamFile;
        this.configFile = configFile;
    }

    public static NginxProxy start(String service) throws IOException, InterruptedException {
        int port = ProxyScript.freePort();
        Map<String, String> kv = ProxyScript.start("nginx", service, port, "upstreamFile", "configFile");
        return new NginxProxy(service, port, Path.of(kv.get("upstreamFile")), Path.of(kv.get("configFile")));
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
                  nginx: { upstreamFile: %s, configFile: %s }
                """.formatted(upstreamFile, configFile);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ProxyScript.run("nginx", "stop", name);
    }
}
