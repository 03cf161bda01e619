package io.bluegreen.jenkins;

import hudson.model.TaskListener;
import io.bluegreen.core.engine.OperationKind;
import java.util.Map;

/** {@code blueGreenPromote} and {@code blueGreenAbort}: the decision on the color of a service waiting in preview. */
abstract class PreviewDecisionStep extends ServiceStep {
    private final OperationKind kind;

    PreviewDecisionStep(String service, OperationKind kind) {
        super(service);
        this.kind = kind;
    }

    @Override
    AgentCall<?> call(Map<String, String> env, TaskListener listener) {
        return new Calls.PreviewDecision(env, listener, getService(), kind);
    }
}
