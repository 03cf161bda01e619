package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code preview} in {@code bluegreen/S/state}: {@code color} passed its gate and its pre-promotion hooks and waits
 * on the preview route ({@code router}; null: reachable only at its replicas' addresses) for its promotion. Past
 * {@code until} it is aborted; past {@code promoteAt} (when set) it is promoted. {@code production}, {@code keep}
 * and {@code drain} are the deploy's, for the promotion, which has no spec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PreviewState(String color, String version, String since, String until, String promoteAt, RouterRef router,
                           RouterRef production, String keep, String drain, String url) {

    @JsonIgnore
    public Color previewColor() {
        return Color.of(color);
    }

    /** The same preview committed at {@code now}: aborted {@code timeout} later, promoted {@code after} later (null: never). */
    PreviewState startingAt(Instant now, Duration timeout, Duration after) {
        return new PreviewState(color, version, now.toString(), now.plus(timeout).toString(),
                after == null ? null : now.plus(after).toString(), router, production, keep, drain, url);
    }

    /** What is due at {@code now}: ABORT past the timeout, PROMOTE past the bake time, nothing before. */
    public Optional<OperationKind> due(Instant now) {
        if (until != null && !now.isBefore(Instant.parse(until))) {
            return Optional.of(OperationKind.ABORT);
        }
        if (promoteAt != null && !now.isBefore(Instant.parse(promoteAt))) {
            return Optional.of(OperationKind.PROMOTE);
        }
        return Optional.empty();
    }
}
