package io.bluegreen.core.it;

import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes deployment specs for the example app (examples/vote) as a user would, and reads them back. */
public final class Specs {
    private Specs() {
    }

    /** {@code extra} is appended as YAML and may override nothing already present (the reader rejects duplicates). */
    public static Path write(Path dir, String service, String tag, Proxy proxy, String keep, String extra) throws IOException {
        String yaml = """
                service: %s
                image: %s/vote
                tag: %s
                build: { context: %s, dockerfile: Dockerfile, args: { VERSION: %s } }
                push: true
                replicas: 2
                containerPort: 8080
                health: { path: /health, interval: 1s, timeout: 1s, passes: 2, deadline: 12s }
                standby: { keep: %s }
                """.formatted(service, Stack.REGISTRY, tag, Stack.ROOT.resolve("examples/vote"), tag, keep);
        if (proxy != null) {
            yaml += """
                    verify: { window: 2s, url: "%s" }
                    """.formatted(proxy.url()) + proxy.routerYaml();
        }
        Path f = dir.resolve(service + "-" + tag + ".yml");
        Files.writeString(f, yaml + (extra == null ? "" : extra));
        return f;
    }

    public static DeploymentSpec spec(Path dir, String service, String tag, Proxy proxy, String keep, String extra)
            throws IOException {
        return SpecReader.read(write(dir, service, tag, proxy, keep, extra), Map.of());
    }
}
