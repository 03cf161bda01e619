package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.Signing;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an nginx router keeps of itself in a service's state: the upstream file it owns, the whole config it checks and
 * reloads, and the binary it runs.
 */
record NginxOptions(Path upstreamFile, Path configFile, String binary) {
    static final String TYPE = "nginx";
    static final String DEFAULT_BINARY = "nginx";
    /** What an unsigned state may name: nginx on PATH, or where Debian installs it. */
    private static final java.util.Set<String> DEFAULT_BINARIES = java.util.Set.of(DEFAULT_BINARY, "/usr/sbin/nginx");

    RouterRef ref() {
        return new RouterRef(TYPE, Map.of("upstreamFile", upstreamFile.toString(), "configFile", configFile.toString(),
                "binary", binary));
    }

    /**
     * Read back from a saved {@code ref}; each problem names its option. The binary is run: an unsigned state may name
     * only the nginx found on PATH.
     */
    static NginxOptions read(SavedOptions o, Signing signing, List<String> problems) {
        Path upstream = o.absolutePath("upstreamFile");
        Path config = o.absolutePath("configFile");
        String binary = o.executable("binary");
        if (binary != null && signing != Signing.SIGNED && !DEFAULT_BINARIES.contains(binary)
                && !binary.equals(NginxRouter.resolve(DEFAULT_BINARY))) {
            o.problem("binary", "'" + binary + "' is run only from a signed state (set BLUEGREEN_STATE_KEY);"
                    + " an unsigned one may name only nginx (" + String.join(", ", DEFAULT_BINARIES) + ")");
        }
        o.rejectUnknown();
        return problems.isEmpty() ? new NginxOptions(upstream, config, binary) : null;
    }
}
