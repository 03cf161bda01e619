package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.RouterRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an nginx router keeps of itself in a service's state: the upstream file it owns, the whole config it checks and
 * reloads, and the binary it runs.
 */
record NginxOptions(Path upstreamFile, Path configFile, String binary) {
    static final String TYPE = "nginx";

    RouterRef ref() {
        return new RouterRef(TYPE, Map.of("upstreamFile", upstreamFile.toString(), "configFile", configFile.toString(),
                "binary", binary));
    }

    /** Read back from a saved {@code ref}; each problem names its option. */
    static NginxOptions read(SavedOptions o, List<String> problems) {
        Path upstream = o.absolutePath("upstreamFile");
        Path config = o.absolutePath("configFile");
        String binary = o.executable("binary");
        o.rejectUnknown();
        return problems.isEmpty() ? new NginxOptions(upstream, config, binary) : null;
    }
}
