package io.bluegreen.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * {@code promotion}: {@code auto} flips once the gate (and the pre-promotion hooks) pass; {@code manual} stops in
 * preview until {@code bluegreen promote} (or {@code abort}); an unpromoted preview is aborted after {@code timeout},
 * or promoted after {@code after} when that is set. {@code steps} shift production traffic to the new color in
 * shares (HAProxy server weights), each held for its pause while verify and the post-promotion hooks run.
 * Durations are kept as text: this record is also recorded in the state.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromotionSpec(String mode, String timeout, String after, List<Step> steps) {
    public static final PromotionSpec AUTO = new PromotionSpec("auto", "1h", null, List.of());

    public PromotionSpec {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** One canary step: {@code weight} percent of production traffic on the new color for {@code pause}. */
    public record Step(int weight, String pause) {
        @JsonIgnore
        public Duration pauseDuration() {
            return Durations.parse(pause).orElse(Duration.ZERO);
        }
    }

    @JsonIgnore
    public boolean manual() {
        return "manual".equals(mode);
    }

    @JsonIgnore
    public Duration timeoutDuration() {
        return Durations.parse(timeout).orElse(Duration.ofHours(1));
    }
}
