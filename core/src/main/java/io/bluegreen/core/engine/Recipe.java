package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HealthSpec;
import io.bluegreen.core.spec.StopSpec;
import io.bluegreen.core.spec.VerifySpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a color's replicas were started and checked, kept in its state so a heal can replace or redeploy
 * them without the spec (into the same networks). Environment values are not kept here (they may hold secrets):
 * a heal copies them from a container of the same deploy; only their names are ({@code environment}, null in a
 * recipe recorded before they were), so a release again knows whether it has anything to copy.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recipe(int containerPort, String hostAddress, String healthPath, String healthInterval,
                     String healthTimeout, int healthPasses, String healthDeadline, Verification verify,
                     @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> networks, List<String> environment,
                     Stop stop) {

    /** How the replicas are stopped ({@link StopSpec}: null fields, Docker's own), so a replacement stops as they do. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stop(String signal, String timeout) {
        static Stop of(StopSpec s) {
            return new Stop(s.signal().orElse(null), s.timeout().map(Durations::format).orElse(null));
        }

        public StopSpec spec() {
            return new StopSpec(Optional.ofNullable(signal), Optional.ofNullable(timeout).flatMap(Durations::parse));
        }
    }

    /**
     * How the release was verified after its flip: the window, and the probe through the proxy when the spec had one
     * ({@code url} and {@code maxFlipFailures} null otherwise), so a release of it again (a {@code rollback --to}, a heal's
     * redeploy) measures its flip as the first did. Analysis is not kept: it needs the spec's queries.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verification(String window, String url, Integer maxFlipFailures) {
        static Verification of(VerifySpec v) {
            return new Verification(Durations.format(v.window()), v.url().map(URI::toString).orElse(null),
                    v.maxFlipFailures().orElse(null));
        }

        VerifySpec spec() {
            return new VerifySpec(Durations.parse(window).orElse(Duration.ZERO), Optional.ofNullable(url).map(URI::create),
                    Optional.ofNullable(maxFlipFailures));
        }
    }

    /** A recipe recorded before networks existed has none; before stop settings, Docker's. */
    public Recipe {
        networks = networks == null ? List.of() : List.copyOf(networks);
        environment = environment == null ? null : List.copyOf(environment);
        stop = stop == null ? new Stop(null, null) : stop;
    }

    public static Recipe of(DeploymentSpec spec) {
        HealthSpec h = spec.health();
        return new Recipe(spec.containerPort(), spec.hostAddress(), h.path(), Durations.format(h.interval()),
                Durations.format(h.timeout()), h.passes(), Durations.format(h.deadline()),
                Verification.of(spec.verify()), spec.networks(), spec.env().keySet().stream().sorted().toList(),
                Stop.of(spec.stop()));
    }

    public HealthSpec health() {
        return new HealthSpec(healthPath, duration(healthInterval), duration(healthTimeout), healthPasses,
                duration(healthDeadline));
    }

    private static Duration duration(String text) {
        return Durations.parse(text).orElseThrow(() -> new IllegalStateException("bad duration in state: " + text));
    }
}
