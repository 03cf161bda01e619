package io.bluegreen.core.engine;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** IDs that sort by time and are safe in container names, Consul IDs and KV keys: {@code 20261124-144500-a1b2}. */
public final class DeployIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeployIds() {
    }

    public static String next(Clock clock) {
        return FORMAT.format(clock.instant()) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
    }
}
