package io.bluegreen.cli;

import picocli.CommandLine.Option;

/**
 * What every subcommand shares: the CLI's environment and streams (handed in instead of read from
 * globals, so tests run commands in-process) and {@code --json}.
 */
abstract class Subcommand {
    @Option(names = "--json", description = "machine-readable JSON instead of text")
    boolean json;

    BlueGreenCli cli;

    void attach(BlueGreenCli cli) {
        this.cli = cli;
    }
}
