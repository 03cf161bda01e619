package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HealthSpec;
import java.time.Duration;
import java.util.List;

/**
 * How a color's replicas were started and checked, kept in its state so a heal can replace or redeploy
 * them without the spec (into the same networks). Environment values are not kept here (they may hold secrets):
 * a heal copies them from a container of the same deploy.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recipe(int containerPort, String hostAddress, String healthPath, String healthInterval,
                     String healthTimeout, int healthPasses, String healthDeadline, String verifyWindow,
                     @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> networks) {

    /** A recipe recorded before networks existed has none. */
    public Recipe {
        networks = networks == null ? List.of() : List.copyOf(networks);
    }

    public static Recipe of(DeploymentSpec spec) {
        HealthSpec h = spec.health();
        return new Recipe(spec.containerPort(), spec.hostAddress(), h.path(), Durations.format(h.interval()),
                Durations.format(h.timeout()), h.passes(), Durations.format(h.deadline()),
                Durations.format(spec.verify().window()), spec.networks());
    }

    public HealthSpec health() {
        return new HealthSpec(healthPath, duration(healthInterval), duration(healthTimeout), healthPasses,
                duration(healthDeadline));
    }

    private static Duration duration(String text) {
        return Durations.parse(text).orElseThrow(() -> new IllegalStateException("bad duration in state: " + text));
    }
}
