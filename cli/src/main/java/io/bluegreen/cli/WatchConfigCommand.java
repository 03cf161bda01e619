package io.bluegreen.cli;

import io.bluegreen.core.heal.HealServer;
import io.bluegreen.core.heal.WatchDefinitions;
import io.bluegreen.core.spec.HttpUrls;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "watch-config", mixinStandardHelpOptions = true,
        header = "Write the Consul agent configuration of a watch that heals a service.",
        description = "Prints a Consul agent configuration ({\"watches\":[...]}) with a `checks` watch on SERVICE whose"
                + " handler is the heal server (--http URL, with the shared secret header) or `bin/bluegreen heal` (--script)."
                + " Put it in the agent's -config-dir; with --http it holds the secret: --output FILE writes it readable by"
                + " its owner only (0600) from the first byte.")
final class WatchConfigCommand extends Subcommand implements Callable<Integer> {
    /** Set by bin/bluegreen to its own absolute path, for --script. */
    static final String LAUNCHER_ENV = "BLUEGREEN_LAUNCHER";

    @Mixin
    ServiceOption service;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Handler handler;

    static final class Handler {
        @Option(names = "--http", paramLabel = "URL", required = true,
                description = "the heal server: http(s)://HOST:PORT (the path /v1/heal/SERVICE is added when none is given)")
        String http;

        @Option(names = "--script", required = true, description = "run `bin/bluegreen heal -s SERVICE` (absolute path)")
        boolean script;
    }

    @Mixin
    HealSecretOption secret;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "write the configuration to FILE (mode 0600, replaced whole) instead of standard output")
    Path output;

    @Override
    public Integer call() throws Exception {
        String s = service.validated();
        Map<String, Object> watch;
        if (handler.http != null) {
            URI url = HttpUrls.validated("--http", handler.http);
            String target = url.getRawPath().isEmpty() ? url + HealServer.PATH + s : url.toString();
            watch = WatchDefinitions.http(s, target, secret.resolve(cli).reveal());
            if (output == null) {
                cli.err().println("watch-config: the output holds the shared secret; --output FILE writes it readable by its"
                        + " owner only");
            }
        } else {
            watch = WatchDefinitions.script(s, List.of(launcher(), "heal", "-s", s));
        }
        String config = WatchDefinitions.agentConfig(List.of(watch));
        if (output == null) {
            cli.out().println(config);
        } else {
            write(config + "\n");
            cli.err().println("watch-config: wrote " + output + " (mode 0600); point the agent's -config-dir at its folder"
                    + " and run `consul reload`");
        }
        return BlueGreenCli.OK;
    }

    /**
     * Into a file created 0600 beside the target, then moved over it: no moment in which the secret is readable by
     * others, and an agent reloading meanwhile reads the old file or the new one, never half of one.
     */
    private void write(String config) throws IOException {
        Path target = output.toAbsolutePath().normalize();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidSpecException("--output: the folder of " + output + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new InvalidSpecException("--output: " + output + " is a folder");
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, config);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** bin/bluegreen's absolute path: from the launcher itself, else next to the classes we run from. */
    private String launcher() {
        String fromEnv = cli.env().get(LAUNCHER_ENV);
        Path p;
        if (fromEnv != null && !fromEnv.isBlank()) {
            p = Path.of(fromEnv.strip());
        } else {
            try {
                // cli/target/classes -> the project root
                p = Path.of(WatchConfigCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .getParent().getParent().getParent().resolve("bin/bluegreen");
            } catch (Exception e) {
                p = null;
            }
        }
        if (p == null || !p.isAbsolute() || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new InvalidSpecException(LAUNCHER_ENV + ": cannot find bin/bluegreen (" + (p == null ? "no path" : p)
                    + "); run watch-config through bin/bluegreen or set " + LAUNCHER_ENV + " to its absolute path");
        }
        return p.normalize().toString();
    }
}
