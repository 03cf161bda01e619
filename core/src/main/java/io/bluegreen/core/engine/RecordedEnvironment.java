package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.ReplicaCluster;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user environment of a color's deploy when it starts again without its spec (a replacement, a heal's redeploy,
 * a {@code rollback --to}): copied from a container of that deploy, since the state keeps no values (they may be
 * secrets). With no container left it is empty only when the recipe says the deploy had none; otherwise the release
 * is refused rather than started without the variables it needs.
 */
final class RecordedEnvironment {
    private RecordedEnvironment() {
    }

    static Map<String, String> copy(Observed observed, ColorState color, ReplicaCluster cluster) {
        Optional<Replica> template = observed.replicaOf(color.deployId());
        if (template.isPresent()) {
            return cluster.userEnvironment(template.get());
        }
        List<String> names = color.recipe() == null ? null : color.recipe().environment();
        if (names != null && names.isEmpty()) {
            return Map.of();
        }
        throw new RefusedException("no container of deploy " + color.deployId() + " is left to copy its environment from ("
                + (names == null ? "its variables' names were not recorded: deployed by an older version"
                : String.join(", ", names)) + "), and the state keeps no values (they may be secrets): deploy from the spec"
                + " (bin/bluegreen deploy -f SPEC) rather than start it without them");
    }
}
