package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.RouterRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an HAProxy router keeps of itself in a service's state: its admin socket, the backend it drives, the file that
 * backend is loaded from at start, and the {@code maxconn} of each server it adds (empty: none).
 */
record HaproxyOptions(String socket, String backend, Path backendFile, Optional<Integer> serverMaxconn) {
    static final String TYPE = "haproxy";
    static final int MAX_SERVER_MAXCONN = 100_000;

    RouterRef ref() {
        Map<String, String> m = new TreeMap<>(Map.of("socket", socket, "backend", backend, "backendFile",
                backendFile.toString()));
        serverMaxconn.ifPresent(c -> m.put("serverMaxconn", Integer.toString(c)));
        return new RouterRef(TYPE, m);
    }

    /** Read back from a saved {@code ref}; each problem names its option. */
    static HaproxyOptions read(SavedOptions o, List<String> problems) {
        String socket = o.socket("socket");
        String backend = o.backendName("backend");
        Path file = o.absolutePath("backendFile");
        Optional<Integer> maxconn = o.optionalInteger("serverMaxconn", 1, MAX_SERVER_MAXCONN);
        o.rejectUnknown();
        return problems.isEmpty() ? new HaproxyOptions(socket, backend, file, maxconn) : null;
    }
}
