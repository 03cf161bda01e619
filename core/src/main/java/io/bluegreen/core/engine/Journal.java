package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code bluegreen/S/journal}: written before each acting phase of a deploy or rollback, deleted when
 * it ends. Finding one means its deployer died mid-way; {@code previous} and {@code routerSnapshot}
 * are what the repair puts back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Journal(String deployId, String kind, String phase, String target, String version,
                      ServiceState previous, RouterState router, String routerSnapshot, String startedAt) {

    public Journal at(Phase p) {
        return new Journal(deployId, kind, p.label(), target, version, previous, router, routerSnapshot, startedAt);
    }
}
