package io.bluegreen.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One hook of a release, validated by {@link ReleaseControlReader}: an HTTP request ({@code http}, {@code method},
 * {@code expect}, {@code times}: each of {@code times} requests must answer {@code expect}) or a command ({@code run},
 * an argv, within {@code timeout}). Kept as text in the state, so {@code promote} runs the deploy's hooks without
 * the spec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HookSpec(String http, String method, Integer expect, Integer times, List<String> run, String timeout) {

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
     * arguments, a URL's query (shown as "?...") and fragment.
     */
    public String describe() {
        return isHttp() ? method + " " + shownUrl() + " (expect " + expect + (times > 1 ? ", " + times + " times" : "") + ")"
                : "run " + run.get(0) + (run.size() > 1 ? " (+" + (run.size() - 1) + " argument(s))" : "");
    }

    /** Scheme, host, port and path: a webhook's {@code ?token=} stays out of the log. */
    private String shownUrl() {
        URI u = URI.create(http);
        return u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath())
                + (u.getRawQuery() == null && u.getRawFragment() == null ? "" : "?...");
    }
}
