package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.HooksSpec;
import io.bluegreen.core.spec.PromotionSpec;
import io.bluegreen.core.spec.SpecReader;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How a release is promoted and checked around its flip, recorded with its color so {@code promote} (a person's, the
 * heal server's after the bake time) runs the deploy's own steps and hooks without the spec. Hooks hold no secret:
 * the spec keeps secrets in {@code env}, which is never recorded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseControl(PromotionSpec promotion, HooksSpec hooks, String previewUrl, String verifyUrl,
                             Integer maxFlipFailures, Map<String, Object> analysis) {
    public static final ReleaseControl NONE = new ReleaseControl(PromotionSpec.AUTO, HooksSpec.NONE, null, null, null, null);

    public ReleaseControl {
        promotion = promotion == null ? PromotionSpec.AUTO : promotion;
        hooks = hooks == null ? HooksSpec.NONE : hooks;
    }

    public static ReleaseControl of(DeploymentSpec spec) {
        return new ReleaseControl(spec.promotion(), spec.hooks(), spec.previewUrl().map(URI::toString).orElse(null),
                spec.verify().url().map(URI::toString).orElse(null), spec.verify().maxFlipFailures().orElse(null),
                spec.verify().analysis().map(AnalysisSpec::asTree).orElse(null));
    }

    /** The analysis the release was deployed with, read back from its tree. */
    @JsonIgnore
    public Optional<AnalysisSpec> analysisSpec() {
        return Optional.ofNullable(analysis).map(SpecReader::analysis);
    }

    /** Whether the release waits in preview for a promotion (a person's, or the bake time's). */
    @JsonIgnore
    public boolean stopsInPreview() {
        return promotion.manual() || promotion.after() != null;
    }

    @JsonIgnore
    public Optional<URI> verifyUri() {
        return Optional.ofNullable(verifyUrl).map(URI::create);
    }
}
