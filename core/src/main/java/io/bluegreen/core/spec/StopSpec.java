package io.bluegreen.core.spec;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a replica is stopped when its color retires: the signal Docker sends first ({@code docker run --stop-signal};
 * empty: the image's STOPSIGNAL, else SIGTERM) and how long Docker waits for it to exit before SIGKILL
 * ({@code --stop-timeout}; empty: Docker's 10 s). An app that ignores its signal (a shell-form entrypoint, a server
 * with no init as PID 1) costs the whole timeout at every retire.
 */
public record StopSpec(Optional<String> signal, Optional<Duration> timeout) {
    /** Docker's own: the image decides the signal, 10 s. */
    public static final StopSpec DOCKER_DEFAULT = new StopSpec(Optional.empty(), Optional.empty());
    /** What {@code docker stop} waits when nothing says otherwise. */
    public static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    /** A signal's name as Docker takes it ({@code SIGTERM}, {@code SIGRTMIN+3}) or its number. */
    static final Pattern SIGNAL = Pattern.compile("SIG[A-Z0-9]{2,8}([+-][0-9]{1,2})?|[1-9][0-9]?");

    static StopSpec read(SpecNode stop) {
        Optional<String> signal = stop.has("signal")
                ? Optional.ofNullable(stop.matching("signal", SIGNAL, "is not a signal such as SIGTERM, SIGQUIT or 15", null))
                : Optional.empty();
        Optional<Duration> timeout = Optional.empty();
        if (stop.has("timeout")) {
            Duration t = stop.duration("timeout", Duration.ZERO, MAX_TIMEOUT, DOCKER_TIMEOUT);
            if (t.toMillis() % 1000 != 0) {
                stop.problem("timeout", "must be whole seconds (Docker counts them), such as 3s");
            }
            timeout = Optional.of(t);
        }
        stop.rejectUnknown();
        return new StopSpec(signal, timeout);
    }

    /** Docker's timeout when none is given. */
    public Duration effectiveTimeout() {
        return timeout.orElse(DOCKER_TIMEOUT);
    }
}
