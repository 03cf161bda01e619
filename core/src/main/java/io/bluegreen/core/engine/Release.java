package io.bluegreen.core.engine;

import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.HealthSpec;
import io.bluegreen.core.spec.TargetSpec;
import io.bluegreen.core.spec.VerifySpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a deploy starts and how it is judged, whether it comes from a spec (a person's deploy) or from what the
 * state recorded of a running color (a heal's redeploy: no spec, no YAML).
 */
public record Release(String service, String version, String image, String digest, int replicas, int containerPort,
                      String hostAddress, Map<String, String> env, HealthSpec health, VerifySpec verify, Duration keep,
                      Duration drain, RouterRef router, TargetSpec target, Recipe recipe, ReleaseControl control,
                      RouterRef previewRouter) {

    /** {@code previewRouter}: the preview route's router (null: the spec has none). */
    public static Release of(DeploymentSpec spec, String digest, RouterRef router, RouterRef previewRouter) {
        return new Release(spec.service(), spec.tag(), spec.imageRef(), digest, spec.replicas(), spec.containerPort(),
                spec.hostAddress(), spec.env(), spec.health(), spec.verify(), spec.standbyKeep(), spec.router().drain(),
                router, spec.target(), Recipe.of(spec), ReleaseControl.of(spec), previewRouter);
    }

    /**
     * The recorded color again (promoted at once: a heal or a rollback --to does not wait in preview), with {@code env} copied from one of its replicas (the recipe keeps no environment:
     * it may hold secrets). A recipe from before the spec refused sub-second intervals says what Consul really ran.
     */
    public static Release recorded(ServiceState state, ColorState color, Map<String, String> env) {
        Recipe r = Optional.ofNullable(color.recipe()).orElseThrow(() -> new PhaseFailure("the state of " + state.service()
                + " has no recipe (deployed by an older version); redeploy by hand"));
        HealthSpec h = r.health();
        HealthSpec health = new HealthSpec(h.path(), h.effectiveInterval(), h.timeout(), h.passes(), h.deadline());
        VerifySpec verify = r.verify().spec();
        return new Release(state.service(), color.version(), color.image(), color.digest(), color.replicas(),
                r.containerPort(), r.hostAddress(), env, health, verify, state.keep(), state.drainTimeout(), state.router(),
                state.runsOn(), r, ReleaseControl.NONE, null);
    }
}
