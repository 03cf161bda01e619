package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code bluegreen/S/journal}: written before each acting step of any operation, deleted when it ends. Finding one
 * means its runner died (or was stopped) mid-way; {@code previous}, {@code routerSnapshot} and
 * {@code previewSnapshot} (of the preview route, when the operation changes it) are what the repair puts back, and everything carrying {@code opId} is what it removes. {@code committing} is the state the operation
 * writes at its commit (from the flip on): the undo puts {@code previous} back only over that state, never over a
 * state someone else wrote.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Journal(String opId, String kind, String phase, String target, String version,
                      ServiceState previous, RouterRef router, String routerSnapshot, String startedAt,
                      ServiceState committing, RouterRef previewRouter, String previewSnapshot) {

    public Journal(String opId, String kind, String phase, String target, String version, ServiceState previous,
                   RouterRef router, String routerSnapshot, String startedAt) {
        this(opId, kind, phase, target, version, previous, router, routerSnapshot, startedAt, null, null, null);
    }

    public Journal at(Phase p) {
        return new Journal(opId, kind, p.label(), target, version, previous, router, routerSnapshot, startedAt, committing,
                previewRouter, previewSnapshot);
    }

    public Journal committing(ServiceState next) {
        return new Journal(opId, kind, phase, target, version, previous, router, routerSnapshot, startedAt, next,
                previewRouter, previewSnapshot);
    }

    /** The preview route this operation changes, and what it routed before (the undo puts it back too). */
    public Journal previewing(RouterRef preview, String snapshot) {
        return new Journal(opId, kind, phase, target, version, previous, router, routerSnapshot, startedAt, committing,
                preview, snapshot);
    }
}
