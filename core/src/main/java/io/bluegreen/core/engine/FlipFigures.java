package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One measured switch: {@code flipMs} from the command issued until the proxy confirmed it; when the deploy has a
 * {@code verify.url}, the probe loop through the proxy during the flip (and a short tail after it): requests sent,
 * requests that failed, and the longest time without a successful answer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlipFigures(long flipMs, Integer requests, Integer failed, Long longestGapMs) {

    /** For people: "flip 12 ms, 0 of 41 requests failed, longest gap 9 ms". */
    public String summary() {
        return "flip " + flipMs + " ms" + (requests == null ? ""
                : ", " + failed + " of " + requests + " requests failed, longest gap " + longestGapMs + " ms");
    }
}
