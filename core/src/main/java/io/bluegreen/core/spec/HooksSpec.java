package io.bluegreen.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code hooks}: {@code prePromotion} runs once the new color passed its gate (and is on the preview route), before
 * any user sees it; {@code postPromotion} after the flip and at every canary step, as part of verify; {@code onFailure}
 * after any rollback (a notification: its failure only warns).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record HooksSpec(List<HookSpec> prePromotion, List<HookSpec> postPromotion, List<HookSpec> onFailure) {
    public static final HooksSpec NONE = new HooksSpec(List.of(), List.of(), List.of());

    public HooksSpec {
        prePromotion = prePromotion == null ? List.of() : List.copyOf(prePromotion);
        postPromotion = postPromotion == null ? List.of() : List.copyOf(postPromotion);
        onFailure = onFailure == null ? List.of() : List.copyOf(onFailure);
    }
}
