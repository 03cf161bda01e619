package io.bluegreen.core.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One validated deployment request. Instances come only from {@link SpecReader}, so every field
 * here has passed validation and every optional part is explicit. {@code promotion}, {@code hooks} and
 * {@code previewUrl} are the release control: when the new color takes traffic, and what is checked around it;
 * {@code stop}, how its replicas are stopped when they retire.
 */
public record DeploymentSpec(
        String service,
        String image,
        String tag,
        Optional<BuildSpec> build,
        boolean push,
        int replicas,
        int containerPort,
        String hostAddress,
        Map<String, String> env,
        List<String> networks,
        HealthSpec health,
        VerifySpec verify,
        Duration standbyKeep,
        RouterSpec router,
        Duration lockWait,
        TargetSpec target,
        PromotionSpec promotion,
        HooksSpec hooks,
        Optional<java.net.URI> previewUrl,
        StopSpec stop) {

    /** The image reference the replicas run, {@code repository:tag}. */
    public String imageRef() {
        return image + ":" + tag;
    }

    /** The same request on another target: a heal redeploys where the service's state says it runs. */
    public DeploymentSpec withTarget(TargetSpec t) {
        return new DeploymentSpec(service, image, tag, build, push, replicas, containerPort, hostAddress, env, networks,
                health, verify, standbyKeep, router, lockWait, t, promotion, hooks, previewUrl, stop);
    }
}
