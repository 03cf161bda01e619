package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.port.TrafficRouter;
import io.bluegreen.core.spec.RouterSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an nginx router keeps of itself in a service's state: the file it owns and how a flip reaches nginx. Runtime
 * mode saves {@code mode: runtime} and the admin socket; reload mode saves the config it checks and the binary it runs,
 * and no mode (what every state saved before the runtime mode holds).
 */
record NginxOptions(Path upstreamFile, RouterSpec.NginxMode mode) {
    static final String TYPE = "nginx";
    static final String DEFAULT_BINARY = "nginx";
    private static final String RUNTIME = "runtime";
    /** What an unsigned state may name: nginx on PATH, or where Debian installs it. */
    private static final Set<String> DEFAULT_BINARIES = Set.of(DEFAULT_BINARY, "/usr/sbin/nginx");

    RouterRef ref() {
        if (mode instanceof RouterSpec.Runtime r) {
            return new RouterRef(TYPE, Map.of("mode", RUNTIME, "upstreamFile", upstreamFile.toString(), "admin", r.admin()));
        }
        RouterSpec.Reload r = (RouterSpec.Reload) mode;
        return new RouterRef(TYPE, Map.of("upstreamFile", upstreamFile.toString(), "configFile", r.configFile().toString(),
                "binary", r.binary()));
    }

    TrafficRouter router() {
        if (mode instanceof RouterSpec.Runtime r) {
            return new NginxRuntimeRouter(upstreamFile, r.admin());
        }
        RouterSpec.Reload r = (RouterSpec.Reload) mode;
        return new NginxReloadRouter(upstreamFile, r.configFile(), r.binary());
    }

    /** Whether a saved reference is of the runtime mode (its snapshots are routes, not upstream blocks). */
    static boolean runtime(RouterRef ref) {
        return RUNTIME.equals(ref.options().get("mode"));
    }

    /**
     * Read back from a saved {@code ref}; each problem names its option. The binary is run: an unsigned state may name
     * only the nginx found on PATH.
     */
    static NginxOptions read(SavedOptions o, Signing signing, List<String> problems) {
        boolean runtime = o.choice("mode", Set.of(RUNTIME, "reload")).map(RUNTIME::equals).orElse(false);
        Path upstream = o.absolutePath("upstreamFile");
        RouterSpec.NginxMode mode = runtime ? new RouterSpec.Runtime(o.socket("admin")) : reload(o, signing);
        o.rejectUnknown();
        return problems.isEmpty() ? new NginxOptions(upstream, mode) : null;
    }

    private static RouterSpec.Reload reload(SavedOptions o, Signing signing) {
        Path config = o.absolutePath("configFile");
        String binary = o.executable("binary");
        if (binary != null && signing != Signing.SIGNED && !DEFAULT_BINARIES.contains(binary)
                && !binary.equals(NginxReloadRouter.resolve(DEFAULT_BINARY))) {
            o.problem("binary", "'" + binary + "' is run only from a signed state (set BLUEGREEN_STATE_KEY);"
                    + " an unsigned one may name only nginx (" + String.join(", ", DEFAULT_BINARIES) + ")");
        }
        return new RouterSpec.Reload(config, binary);
    }
}
