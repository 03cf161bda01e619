package io.bluegreen.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hook of a release, validated by {@link ReleaseControlReader}: an HTTP request ({@code http}, {@code method},
 * {@code expect}, {@code times}: each of {@code times} requests must answer {@code expect}; {@code headers}: name to
 * value) or a command ({@code run}, an argv, within {@code timeout}). Kept as text in the state, so {@code promote}
 * runs the deploy's hooks without the spec; the URL and header values keep their {@link Placeholders} as written.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record HookSpec(String http, String method, Integer expect, Integer times, Map<String, String> headers,
                       List<String> run, String timeout) {

    public HookSpec {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    @JsonIgnore
    public boolean isHttp() {
        return http != null;
    }

    @JsonIgnore
    public Duration timeoutDuration() {
        return Durations.parse(timeout).orElse(Duration.ofSeconds(60));
    }

    /**
     * For people (every log line and failure reason): what it does, without what could carry a token: a command's
     * arguments, a URL's query (shown as "?...") and fragment, a header's value; a placeholder shows as written.
     */
    public String describe() {
        return isHttp() ? method + " " + shownUrl() + " (expect " + expect + (times > 1 ? ", " + times + " times" : "")
                + (headers.isEmpty() ? "" : ", headers " + String.join(", ", headers.keySet())) + ")"
                : "run " + run.get(0) + (run.size() > 1 ? " (+" + (run.size() - 1) + " argument(s))" : "");
    }

    /** Scheme, host, port and path: a webhook's {@code ?token=} stays out of the log. */
    private String shownUrl() {
        int cut = Placeholders.first(Placeholders.mask(http), "?#", 0);
        return http.substring(0, cut) + (cut < http.length() ? "?..." : "");
    }
}
