package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.RouterSpec;
import io.bluegreen.core.spec.TargetSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code bluegreen/S/state}: the active color and what runs in each color, with what an operation without the spec
 * needs: the router, how long a standby stays warm, how long retiring drains, the target, and the color waiting in
 * preview for its promotion.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceState(String service, String active, Map<String, ColorState> colors, RouterRef router,
                           String standbyKeep, String drain, String updatedAt, TargetSpec target, PreviewState preview) {
    /** What a rollback keeps the color it leaves warm for when the state (written by an older version) does not say. */
    public static final Duration DEFAULT_KEEP = Duration.ofMinutes(10);

    public static ServiceState empty(String service) {
        return new ServiceState(service, null, Map.of(), null, null, null, null, null, null);
    }

    @JsonIgnore
    public Optional<Color> activeColor() {
        return Optional.ofNullable(active).map(Color::of);
    }

    public Optional<ColorState> color(Color c) {
        return Optional.ofNullable(colors == null ? null : colors.get(c.label()));
    }

    public ServiceState with(Color c, ColorState s, String now) {
        Map<String, ColorState> m = new TreeMap<>(colors == null ? Map.of() : colors);
        if (s == null) {
            m.remove(c.label());
        } else {
            m.put(c.label(), s);
        }
        return new ServiceState(service, active, m, router, standbyKeep, drain, now, target, preview);
    }

    /** {@code c} takes the traffic through router {@code r}; a color it leaves stays warm {@code keep}, retiring drains {@code drain}. */
    public ServiceState withActive(Color c, RouterRef r, Duration keep, Duration drainFor, String now) {
        return new ServiceState(service, c == null ? null : c.label(), colors, r, Durations.format(keep),
                Durations.format(drainFor), now, target, preview);
    }

    /** The engines this service runs on, recorded so status, rollback and heal need no spec (none: the local engine). */
    public ServiceState withTarget(TargetSpec t) {
        return new ServiceState(service, active, colors, router, standbyKeep, drain, updatedAt, t.isLocal() ? null : t, preview);
    }

    /** {@code p} (null: none) is the color waiting in preview. */
    public ServiceState withPreview(PreviewState p) {
        return new ServiceState(service, active, colors, router, standbyKeep, drain, updatedAt, target, p);
    }

    /** The color in preview, if any. */
    public Optional<PreviewState> inPreview() {
        return Optional.ofNullable(preview);
    }

    /** Where this service's colors run: the recorded target, or the local engine when none is recorded. */
    public TargetSpec runsOn() {
        return target == null ? TargetSpec.LOCAL : target;
    }

    @JsonIgnore
    public Duration keep() {
        return standbyKeep == null ? DEFAULT_KEEP : Durations.parse(standbyKeep).orElse(DEFAULT_KEEP);
    }

    /** The deploy's own {@code router.drain}; states written before it was kept drain the default. */
    @JsonIgnore
    public Duration drainTimeout() {
        return drain == null ? RouterSpec.DEFAULT_DRAIN : Durations.parse(drain).orElse(RouterSpec.DEFAULT_DRAIN);
    }

    /** Every replica ID the state names, in both colors. */
    @JsonIgnore
    public java.util.Set<String> replicaIds() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        if (colors != null) {
            colors.values().forEach(c -> ids.addAll(c.replicaIds()));
        }
        return ids;
    }
}
