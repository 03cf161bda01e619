package io.bluegreen.core.engine;

import io.bluegreen.core.spec.Durations;

/**
 * PREVIEW: the preview route gets the new color (or, for an abort, loses it), then the pre-promotion hooks run and,
 * with an analysis, the color's traffic on that route is judged: a failure stops the release before any user sees it.
 */
final class PreviewPhase {
    private final Execution x;

    PreviewPhase(Execution x) {
        this.x = x;
    }

    void run() {
        Transition t = x.t;
        Transition.Control c = t.control();
        Transition.PreviewRoute route = c.previewRoute();
        if (x.previewRouter == null && c.hooks().prePromotion().isEmpty()) {
            return;
        }
        x.cancel.check();
        x.journal(Phase.PREVIEW);
        if (x.previewRouter != null) {
            String name = t.service() + "-preview";
            String note = name + " " + t.color().label() + " " + t.version() + " " + t.kind().label() + " " + t.opId();
            boolean clearing = route.action() == Transition.PreviewRoute.Action.CLEAR;
            x.pc.run(Phase.PREVIEW, (clearing ? "taking " + t.color().label() + " off " : "routing " + t.color().label()
                    + " to ") + "the preview route, " + x.previewRouter.describe(), () -> {
                if (clearing) {
                    x.previewRouter.clear(name, note);
                } else {
                    x.previewRouter.route(name, x.routed(), note);
                }
            });
        }
        if (!c.hooks().prePromotion().isEmpty()) {
            x.pc.run(Phase.PREVIEW, "running " + c.hooks().prePromotion().size() + " pre-promotion hook(s)"
                    + (c.previewUrl() == null ? "" : " (preview at " + c.previewUrl() + ")"),
                    () -> x.hooks(c.hooks().prePromotion(), "pre-promotion", Phase.PREVIEW));
        }
        if (c.analysis() != null && route.action() == Transition.PreviewRoute.Action.ROUTE) {
            x.pc.run(Phase.PREVIEW, "analysing " + t.color().label() + "'s traffic on the preview route in "
                    + c.analysis().prometheus() + " for " + Durations.format(c.analysis().window()),
                    () -> x.judge(c.analysis(), AnalysisGate.Moment.PREVIEW, Phase.PREVIEW, x.cancel));
        }
    }
}
