package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What runs in one color, as recorded in {@code bluegreen/S/state}; {@code control}: how its release is promoted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColorState(String version, String image, String digest, String deployId, int replicas,
                         List<String> replicaIds, List<String> endpoints, String since, String standbyUntil,
                         Recipe recipe, ReleaseControl control) {

    public ColorState withStandbyUntil(String until) {
        return new ColorState(version, image, digest, deployId, replicas, replicaIds, endpoints, since, until, recipe, control);
    }

    /** After a heal replaced some replicas in place. */
    public ColorState withReplicas(List<String> ids, List<String> eps) {
        return new ColorState(version, image, digest, deployId, replicas, ids, eps, since, standbyUntil, recipe, control);
    }

    /** After a heal started the whole color again as deploy {@code newDeployId} of the same version. */
    public ColorState renewed(String newDeployId, List<String> ids, List<String> eps) {
        return new ColorState(version, image, digest, newDeployId, replicas, ids, eps, since, standbyUntil, recipe, control);
    }
}
