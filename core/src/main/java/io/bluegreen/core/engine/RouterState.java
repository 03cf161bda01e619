package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The proxy a service's traffic goes through, kept in KV so rollback and heal can flip without the spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouterState(String type, String upstreamFile, String configFile, String binary) {
    public static final RouterState NONE = new RouterState("none", null, null, null);
}
