package io.bluegreen.cli;

/**
 * What every subcommand shares: the CLI's environment and streams (handed in instead of read from
 * globals, so tests run commands in-process).
 */
abstract class Subcommand {
    BlueGreenCli cli;

    void attach(BlueGreenCli cli) {
        this.cli = cli;
    }
}
