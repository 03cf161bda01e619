package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code bluegreen/S/journal}: written before each acting step of any operation, deleted when it ends. Finding one
 * means its runner died (or was stopped) mid-way; {@code previous} and {@code routerSnapshot} are what the repair
 * puts back, and everything carrying {@code opId} is what it removes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Journal(String opId, String kind, String phase, String target, String version,
                      ServiceState previous, RouterState router, String routerSnapshot, String startedAt) {

    public Journal at(Phase p) {
        return new Journal(opId, kind, p.label(), target, version, previous, router, routerSnapshot, startedAt);
    }
}
