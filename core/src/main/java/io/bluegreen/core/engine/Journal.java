package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code bluegreen/S/journal}: written before each acting step of any operation, deleted when it ends. Finding one
 * means its runner died (or was stopped) mid-way; {@code previous} and {@code routerSnapshot} are what the repair
 * puts back, and everything carrying {@code opId} is what it removes. {@code committing} is the state the operation
 * writes at its commit (from the flip on): the undo puts {@code previous} back only over that state, never over a
 * state someone else wrote.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Journal(String opId, String kind, String phase, String target, String version,
                      ServiceState previous, RouterState router, String routerSnapshot, String startedAt,
                      ServiceState committing) {

    public Journal(String opId, String kind, String phase, String target, String version, ServiceState previous,
                   RouterState router, String routerSnapshot, String startedAt) {
        this(opId, kind, phase, target, version, previous, router, routerSnapshot, startedAt, null);
    }

    public Journal at(Phase p) {
        return new Journal(opId, kind, p.label(), target, version, previous, router, routerSnapshot, startedAt, committing);
    }

    public Journal committing(ServiceState next) {
        return new Journal(opId, kind, phase, target, version, previous, router, routerSnapshot, startedAt, next);
    }
}
