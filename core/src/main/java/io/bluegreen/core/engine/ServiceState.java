package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bluegreen.core.spec.TargetSpec;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code bluegreen/S/state}: the active color and what runs in each color. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceState(String service, String active, Map<String, ColorState> colors, RouterState router,
                           String standbyKeep, String updatedAt, TargetSpec target) {

    public static ServiceState empty(String service) {
        return new ServiceState(service, null, Map.of(), null, null, null, null);
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
        return new ServiceState(service, active, m, router, standbyKeep, now, target);
    }

    public ServiceState withActive(Color c, RouterState r, String keep, String now) {
        return new ServiceState(service, c == null ? null : c.label(), colors, r, keep, now, target);
    }

    /** The engines this service runs on, recorded so status, rollback and heal need no spec (none: the local engine). */
    public ServiceState withTarget(TargetSpec t) {
        return new ServiceState(service, active, colors, router, standbyKeep, updatedAt, t.isLocal() ? null : t);
    }

    /** Where this service's colors run: the recorded target, or the local engine when none is recorded. */
    public TargetSpec runsOn() {
        return target == null ? TargetSpec.LOCAL : target;
    }
}
