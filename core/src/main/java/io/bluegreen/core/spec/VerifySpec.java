package io.bluegreen.core.spec;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * After the flip the new color must stay passing for {@code window}; when {@code url} is given,
 * requests to it (normally the proxy's public address) must succeed throughout that window too.
 */
public record VerifySpec(Duration window, Optional<URI> url) {
}
