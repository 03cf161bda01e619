package io.bluegreen.cli;

import io.bluegreen.core.heal.TrendSettings;
import io.bluegreen.core.spec.InvalidSpecException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** heal-server's trend rule flags: off unless --trends, which needs --prometheus. */
final class TrendOptions {
    @Option(names = "--trends", description = "replace an active replica whose latency or 5xx share in Prometheus (HAProxy's"
            + " exporter) stands out from its siblings', before its check fails (needs --prometheus)")
    boolean trends;

    @Option(names = "--trend-ratio", defaultValue = "3", paramLabel = "X",
            description = "how many times worse than the median of its siblings a replica must be (1.5 to 100; default ${DEFAULT-VALUE})")
    double trendRatio;

    @Option(names = "--trend-floor", defaultValue = "100ms", paramLabel = "DURATION",
            description = "a response time below this is never a trend (default ${DEFAULT-VALUE})")
    String trendFloor;

    @Option(names = "--trend-interval", defaultValue = "2s", paramLabel = "DURATION",
            description = "how often the trend rule looks; it acts after 2 looks in a row (1s to 1m; default ${DEFAULT-VALUE})")
    String trendInterval;

    Optional<TrendSettings> settings(Optional<URI> prometheusUrl) {
        if (!trends) {
            return Optional.empty();
        }
        if (prometheusUrl.isEmpty()) {
            throw new InvalidSpecException("--trends: needs --prometheus URL (the trends are read from Prometheus)");
        }
        if (!(trendRatio >= 1.5 && trendRatio <= 100)) {
            throw new InvalidSpecException("--trend-ratio: must be from 1.5 to 100, got " + trendRatio);
        }
        TrendSettings d = TrendSettings.defaults(prometheusUrl.get());
        return Optional.of(new TrendSettings(d.prometheus(), HealOptions.duration("--trend-interval", trendInterval,
                Duration.ofSeconds(1), Duration.ofMinutes(1)), d.window(), trendRatio,
                HealOptions.duration("--trend-floor", trendFloor, Duration.ZERO, Duration.ofMinutes(1)), d.errorFloor(), d.rounds()));
    }
}
