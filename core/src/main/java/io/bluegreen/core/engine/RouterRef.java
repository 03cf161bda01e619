package io.bluegreen.core.engine;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which proxy a service's traffic goes through, as the engine holds it: the router's type and its own options, opaque
 * here (each router reads, checks and writes its own); kept in the state so rollback and heal can flip without the
 * spec.
 */
public record RouterRef(String type, Map<String, String> options) {
    public static final RouterRef NONE = new RouterRef("none", Map.of());

    public RouterRef {
        options = Collections.unmodifiableMap(new TreeMap<>(options));
    }
}
