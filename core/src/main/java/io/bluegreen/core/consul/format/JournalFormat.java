package io.bluegreen.core.consul.format;

import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.OperationKind;
import io.bluegreen.core.engine.Phase;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.port.RouterRefCheck;
import io.bluegreen.core.spec.SpecNode;
import io.bluegreen.core.spec.SpecReader;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code bluegreen/S/journal}'s body, mapped to and from {@link Journal}. A repair acts on it (puts the router's
 * snapshot back, the previous state back), so everything is checked first: the snapshots must be present (JSON null:
 * nothing was routed) and of the shape their router takes, the states as a state is checked.
 */
final class JournalFormat {
    private static final Pattern KINDS = Pattern.compile(String.join("|",
            Arrays.stream(OperationKind.values()).map(OperationKind::label).toList()));
    private static final Pattern PHASES = Pattern.compile(String.join("|",
            Arrays.stream(Phase.values()).map(Phase::label).toList()));
    private final StateFormat states;
    private final RouterRefCheck routers;

    JournalFormat(StateFormat states, RouterRefCheck routers) {
        this.states = states;
        this.routers = routers;
    }

    static Map<String, Object> write(Journal j) {
        Tree t = new Tree().put("opId", j.opId()).put("kind", j.kind()).put("phase", j.phase()).put("target", j.target())
                .put("version", j.version()).put("previous", StateFormat.write(j.previous()))
                .put("router", StateFormat.router(j.router())).putEvenNull("routerSnapshot", j.routerSnapshot())
                .put("startedAt", j.startedAt()).put("committing", j.committing() == null ? null : StateFormat.write(j.committing()));
        if (j.previewRouter() != null) {
            t.put("previewRouter", StateFormat.router(j.previewRouter())).putEvenNull("previewSnapshot", j.previewSnapshot());
        }
        return t.map();
    }

    Journal read(SpecNode n, String service, Signing signing) {
        String opId = n.matching("opId", StateFormat.DEPLOY_ID, "is not an operation ID", null);
        String kind = n.matching("kind", KINDS, "is not an operation kind", null);
        String phase = n.matching("phase", PHASES, "is not a phase", null);
        String target = n.matching("target", StateFormat.COLOR, "is not blue or green", null);
        String version = n.has("version") ? n.matching("version", SpecReader.TAG, "is not a Docker tag", null) : null;
        ServiceState previous = state(n, "previous", service, signing, true);
        RouterRef router = n.has("router") ? states.router(n.child("router"), signing) : required(n, "router");
        String snapshot = snapshot(n, "routerSnapshot", router);
        String startedAt = n.instant("startedAt", true).map(Object::toString).orElse(null);
        ServiceState committing = state(n, "committing", service, signing, false);
        RouterRef previewRouter = n.has("previewRouter") ? states.router(n.child("previewRouter"), signing) : null;
        String previewSnapshot = previewRouter == null ? null : snapshot(n, "previewSnapshot", previewRouter);
        n.rejectUnknown();
        return new Journal(opId, kind, phase, target, version, previous, router, snapshot, startedAt, committing,
                previewRouter, previewSnapshot);
    }

    private ServiceState state(SpecNode n, String key, String service, Signing signing, boolean required) {
        if (!n.has(key)) {
            return required ? required(n, key) : null;
        }
        return states.read(n.child(key), service, signing);
    }

    /** Present, as text or as JSON null ("nothing was routed"); a missing one would restore "nothing". */
    private String snapshot(SpecNode n, String key, RouterRef router) {
        if (!n.present(key)) {
            n.problem(key, "is required (null when nothing was routed): without it a repair would empty the route");
            return null;
        }
        String snapshot = n.has(key) ? n.string(key).orElse(null) : null;
        if (snapshot != null && router != null) {
            routers.snapshotProblems(router, snapshot, n.path(key)).forEach(n::report);
        }
        return snapshot;
    }

    private static <T> T required(SpecNode n, String key) {
        n.requiredString(key);
        return null;
    }
}
