package io.bluegreen.jenkins;

import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.TaskListener;
import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.DeployFailedException;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.DeploySummary;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.OperationKind;
import io.bluegreen.core.engine.ReleaseStepLog;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.StepParameters;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The engine operations the steps run on an agent: each a few lines over core. */
final class Calls {
    private Calls() {}

    /** The spec the step's parameters describe, read from the agent's workspace and validated there. */
    private static DeploymentSpec spec(
            Path workspace, HashMap<String, Object> defaults, String specFile, HashMap<String, Object> parameters) {
        return StepParameters.toSpec(
                defaults, specFile == null ? null : workspace.resolve(specFile), parameters, workspace);
    }

    /** What the active color ran before an operation: the "from" of its summary. */
    private static String activeVersion(BlueGreen bg, String service) {
        ServiceState state = bg.systems().store().readState(service).value();
        return state.activeColor()
                .flatMap(state::color)
                .map(ColorState::version)
                .orElse(null);
    }

    /**
     * A release operation ({@code kind}) through core, its canary steps and hooks kept for the summary; one that failed
     * and was undone comes back as a failed summary from its history record.
     */
    private static DeploySummary released(
            BlueGreen bg,
            String service,
            OperationKind kind,
            String outcome,
            DeployListener log,
            Function<DeployListener, DeployResult> operation) {
        String from = activeVersion(bg, service);
        ReleaseStepLog steps = new ReleaseStepLog(log);
        try {
            return DeploySummary.succeeded(outcome, operation.apply(steps), from, steps.lines());
        } catch (DeployFailedException e) {
            HistoryRecord last = bg.history(service, 1).stream()
                    .filter(h -> h.kind().equals(kind.label()))
                    .findFirst()
                    .orElseThrow(() -> e);
            return DeploySummary.failed(last, from, steps.lines());
        }
    }

    /** Validates only, and names the service: the Pipeline step keeps it to repair after a controller restart. */
    static final class Resolve extends AgentCall<String> {
        private static final long serialVersionUID = 1L;
        private final HashMap<String, Object> defaults;
        private final String specFile;
        private final HashMap<String, Object> parameters;

        Resolve(
                Map<String, String> env,
                TaskListener listener,
                Map<String, Object> defaults,
                String specFile,
                Map<String, Object> parameters) {
            super(env, listener);
            this.defaults = new HashMap<>(defaults);
            this.specFile = specFile;
            this.parameters = new HashMap<>(parameters);
        }

        @Override
        String call(Path workspace, BlueGreen bg, DeployListener log) {
            return spec(workspace, defaults, specFile, parameters).service();
        }

        Deploy deploy(Map<String, String> env, TaskListener listener) {
            return new Deploy(env, listener, this);
        }
    }

    /** One blue-green deploy (it stops in preview when its promotion is manual or has a bake time). */
    static final class Deploy extends AgentCall<DeploySummary> {
        private static final long serialVersionUID = 1L;
        private final Resolve what;

        private Deploy(Map<String, String> env, TaskListener listener, Resolve what) {
            super(env, listener);
            this.what = what;
        }

        @Override
        DeploySummary call(Path workspace, BlueGreen bg, DeployListener log) {
            DeploymentSpec spec = spec(workspace, what.defaults, what.specFile, what.parameters);
            return released(bg, spec.service(), OperationKind.DEPLOY, "deployed", log, l -> bg.deploy(spec, l));
        }
    }

    /** An operation on one service. */
    abstract static class ServiceCall<T> extends AgentCall<T> {
        private static final long serialVersionUID = 1L;
        final String service;

        ServiceCall(Map<String, String> env, TaskListener listener, String service) {
            super(env, listener);
            this.service = service;
        }
    }

    /** Traffic back to the warm standby color. */
    static final class Rollback extends ServiceCall<DeploySummary> {
        private static final long serialVersionUID = 1L;

        Rollback(Map<String, String> env, TaskListener listener, String service) {
            super(env, listener, service);
        }

        @Override
        DeploySummary call(Path workspace, BlueGreen bg, DeployListener log) {
            String from = activeVersion(bg, service);
            return DeploySummary.succeeded("rolled-back-to-standby", bg.rollback(service, log), from, List.of());
        }
    }

    /**
     * The decision on the color in preview: {@code PROMOTE} (it takes production traffic, through its canary steps and
     * post-promotion hooks) or {@code ABORT} (it is dropped; production is not touched).
     */
    static final class PreviewDecision extends ServiceCall<DeploySummary> {
        private static final long serialVersionUID = 1L;
        private final OperationKind kind;

        PreviewDecision(Map<String, String> env, TaskListener listener, String service, OperationKind kind) {
            super(env, listener, service);
            this.kind = kind;
        }

        @Override
        DeploySummary call(Path workspace, BlueGreen bg, DeployListener log) {
            boolean promote = kind == OperationKind.PROMOTE;
            return released(
                    bg,
                    service,
                    kind,
                    promote ? "promoted" : "aborted",
                    log,
                    l -> promote ? bg.promote(service, l) : bg.abort(service, l));
        }
    }

    /** The status report as plain values (what {@code bluegreen status --json} prints). */
    static final class Status extends ServiceCall<LinkedHashMap<String, Object>> {
        private static final long serialVersionUID = 1L;
        private static final ObjectMapper JSON = new ObjectMapper();

        Status(Map<String, String> env, TaskListener listener, String service) {
            super(env, listener, service);
        }

        @Override
        @SuppressWarnings("unchecked")
        LinkedHashMap<String, Object> call(Path workspace, BlueGreen bg, DeployListener log) {
            return JSON.convertValue(bg.status(service), LinkedHashMap.class);
        }
    }

    /** After a controller restart: puts back what an interrupted deploy left, from its journal in Consul. */
    static final class Repair extends ServiceCall<String> {
        private static final long serialVersionUID = 1L;

        Repair(Map<String, String> env, TaskListener listener, String service) {
            super(env, listener, service);
        }

        @Override
        String call(Path workspace, BlueGreen bg, DeployListener log) {
            return bg.repair(service, log).orElse(Messages.Calls_NothingInterrupted());
        }
    }
}
