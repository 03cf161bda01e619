package io.bluegreen.core.spec;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * After the flip the new color must stay passing for {@code window}; when {@code url} is given,
 * requests to it (normally the proxy's public address) must succeed throughout that window too, and the
 * flip itself is measured through it. A flip that failed more than {@code maxFlipFailures} of those
 * requests fails the deploy (and rolls it back). With {@code analysis} (the spec's top-level {@code analysis:}), the
 * new color is also judged on metrics of its real traffic after the flip.
 */
public record VerifySpec(Duration window, Optional<URI> url, Optional<Integer> maxFlipFailures,
                         Optional<AnalysisSpec> analysis) {
    /** No window, no probe: the gate's verdict stands (rollbacks, aborts, heals). */
    public static final VerifySpec NONE = new VerifySpec(Duration.ZERO, Optional.empty(), Optional.empty());

    /** A verify without an analysis (rollbacks, heals, releases recorded before analysis existed). */
    public VerifySpec(Duration window, Optional<URI> url, Optional<Integer> maxFlipFailures) {
        this(window, url, maxFlipFailures, Optional.empty());
    }

    public VerifySpec withAnalysis(Optional<AnalysisSpec> a) {
        return new VerifySpec(window, url, maxFlipFailures, a);
    }
}
