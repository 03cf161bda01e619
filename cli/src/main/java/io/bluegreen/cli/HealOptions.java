package io.bluegreen.cli;

import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.HealHandOff;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.JenkinsHandOff;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HttpUrls;
import io.bluegreen.core.spec.InvalidSpecException;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Flap protection and Jenkins hand-off flags shared by `heal` and `heal-server`. */
final class HealOptions {
    @Option(names = "--grace", defaultValue = "3s", paramLabel = "DURATION",
            description = "a failure must still be there after this long before anything acts (default ${DEFAULT-VALUE})")
    String grace;

    @Option(names = "--max-heals", defaultValue = "3", paramLabel = "N",
            description = "at most N heals per service per window (default ${DEFAULT-VALUE})")
    int maxHeals;

    @Option(names = "--window", defaultValue = "10m", paramLabel = "DURATION", description = "the rate-limit window (default ${DEFAULT-VALUE})")
    String window;

    @Option(names = "--jenkins-url", paramLabel = "URL",
            description = "hand the corrective action to a Jenkins job on this Jenkins instead of acting (with --jenkins-job;"
                    + " credentials from JENKINS_USER / JENKINS_API_TOKEN)")
    String jenkinsUrl;

    @Option(names = "--jenkins-job", paramLabel = "JOB",
            description = "the parameterized job (SERVICE, ACTION, REASON) that heals; a folder job as FOLDER/JOB")
    String jenkinsJob;

    HealSettings settings(BlueGreenCli cli) {
        if (maxHeals < 1 || maxHeals > 100) {
            throw new InvalidSpecException("--max-heals: must be from 1 to 100, got " + maxHeals);
        }
        return new HealSettings(duration("--grace", grace, Duration.ZERO, Duration.ofMinutes(10)), maxHeals,
                duration("--window", window, Duration.ofSeconds(1), Duration.ofDays(1)), Duration.ofSeconds(60),
                jenkins(cli));
    }

    private Optional<HealHandOff> jenkins(BlueGreenCli cli) {
        if (jenkinsUrl == null && jenkinsJob == null) {
            return Optional.empty();
        }
        if (jenkinsUrl == null || jenkinsJob == null) {
            throw new InvalidSpecException((jenkinsUrl == null ? "--jenkins-url" : "--jenkins-job")
                    + ": --jenkins-url and --jenkins-job go together");
        }
        Optional<String> user = nonBlank(cli.env().get("JENKINS_USER"));
        Optional<Secret> token = nonBlank(cli.env().get("JENKINS_API_TOKEN")).map(Secret::new);
        if (user.isPresent() != token.isPresent()) {
            throw new InvalidSpecException("JENKINS_USER and JENKINS_API_TOKEN: set both or neither");
        }
        return Optional.of(new JenkinsHandOff(HttpUrls.validated("--jenkins-url", jenkinsUrl),
                JenkinsHandOff.validatedJob("--jenkins-job", jenkinsJob), user, token));
    }

    static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }

    static Duration duration(String flag, String value, Duration min, Duration max) {
        Duration d = Durations.parse(value).orElseThrow(() -> new InvalidSpecException(flag
                + ": expected a duration such as 500ms, 5s or 10m, got '" + value.replaceAll("\\p{Cntrl}", "?") + "'"));
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new InvalidSpecException(flag + ": must be from " + Durations.format(min) + " to " + Durations.format(max));
        }
        return d;
    }
}
