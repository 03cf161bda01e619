package io.bluegreen.core.engine;

/**
 * The one builder of a transition's history record; best effort: a history that cannot be written must not fail a
 * done operation.
 */
final class HistoryWriter {
    private final Systems sys;
    private final PhaseClock pc;

    HistoryWriter(Systems sys, PhaseClock pc) {
        this.sys = sys;
        this.pc = pc;
    }

    /** How {@code t} ended. */
    void write(Transition t, Outcome outcome, String reason, String startedAt, long t0, FlipFigures flip) {
        // A release's recipe goes with it, so `rollback --to` can start it again; a rollback or an abort starts nothing.
        boolean recipe = t.commit().colorState() != null
                && (t.start().replicas().isPresent() || t.kind() == OperationKind.PROMOTE);
        write(HistoryRecord.of(pc.operationId(), t.kind().label(), pc.service()).by(sys.actor()).outcome(outcome.label())
                .release(t.version(), t.image(), t.digest())
                .colors(t.color().label(), t.previous() == null ? null : t.previous().label())
                .started(startedAt, t0).reason(pc.redact(reason)).phases(pc.timings()).flip(flip)
                .recipe(recipe ? t.commit().colorState().recipe() : null));
    }

    /** An operation that failed before it had a plan: what it was asked to release, if anything. */
    void writeUnplanned(OperationKind kind, String version, String image, Outcome outcome, String reason, String startedAt,
                        long t0) {
        write(HistoryRecord.of(pc.operationId(), kind.label(), pc.service()).by(sys.actor()).outcome(outcome.label())
                .release(version, image, null).started(startedAt, t0).reason(pc.redact(reason)).phases(pc.timings()));
    }

    private void write(HistoryRecord.Builder record) {
        try {
            sys.store().appendHistory(pc.service(), record.build(pc.now()));
        } catch (RuntimeException e) {
            pc.warn(Phase.RETIRE, "could not write the history record: " + e.getMessage());
        }
    }
}
