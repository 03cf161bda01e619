package io.bluegreen.cli;

import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.WatchReceiver;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The heal server's shared secret: {@code --secret-file FILE}, else the variable {@value #ENV}. Never printed. */
final class HealSecretOption {
    static final String ENV = "BLUEGREEN_HEAL_SECRET";

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "file holding the shared secret Consul sends in X-Bluegreen-Token (else $" + ENV + ")")
    Path secretFile;

    Secret resolve(BlueGreenCli cli) {
        String source = secretFile != null ? "--secret-file" : ENV;
        String value = secretFile != null ? read(secretFile) : cli.env().get(ENV);
        if (value == null || value.isBlank()) {
            throw new InvalidSpecException("--secret-file or " + ENV + ": a shared secret of at least "
                    + WatchReceiver.MIN_SECRET_LENGTH + " characters is required");
        }
        Secret secret = new Secret(value.strip());
        WatchReceiver.requireValid(secret, source);
        return secret;
    }

    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(WatchReceiver.MAX_SECRET_LENGTH + 2);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidSpecException("--secret-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
