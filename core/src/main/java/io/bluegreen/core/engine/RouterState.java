package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The proxy a service's traffic goes through, kept in KV so rollback and heal can flip without the spec.
 * nginx uses {@code upstreamFile}, {@code configFile} and {@code binary}; HAProxy {@code socket}, {@code backend}
 * and {@code backendFile} (and {@code serverMaxconn}, when set). States written before HAProxy existed simply lack them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouterState(String type, String upstreamFile, String configFile, String binary, String socket,
                          String backend, String backendFile, Integer serverMaxconn) {
    public static final RouterState NONE = new RouterState("none", null, null, null, null, null, null, null);

    public static RouterState nginx(String upstreamFile, String configFile, String binary) {
        return new RouterState("nginx", upstreamFile, configFile, binary, null, null, null, null);
    }

    /** {@code serverMaxconn} (null: none) is what each server the tool adds gets as its {@code maxconn}. */
    public static RouterState haproxy(String socket, String backend, String backendFile, Integer serverMaxconn) {
        return new RouterState("haproxy", null, null, null, socket, backend, backendFile, serverMaxconn);
    }
}
