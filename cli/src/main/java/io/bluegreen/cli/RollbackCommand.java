package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.spec.InvalidSpecException;
import io.bluegreen.core.spec.SpecReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        header = "Flip traffic back to the warm standby color, or release an earlier version again (--to).",
        description = "Flip traffic back to the warm standby color, if it still runs and passes."
                + " With --to VERSION: release that version from the history again, through the gated deploy path.")
final class RollbackCommand extends Subcommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Mixin
    ServiceOption service;

    @Option(names = "--to", paramLabel = "VERSION", description = "a version released before (see `history`)")
    String to;

    @Override
    public Integer call() throws Exception {
        String s = service.validated();
        try (BlueGreen bg = cli.connect()) {
            if (to != null && !SpecReader.TAG.matcher(to).matches()) {
                throw new InvalidSpecException("--to: '" + to.replaceAll("\\p{Cntrl}", "?") + "' is not a version (a tag: up to"
                        + " 128 of A-Z, a-z, 0-9, '_', '.', '-', not starting with '.' or '-')");
            }
            EventPrinter events = new EventPrinter(cli.out(), json.on);
            DeployResult r = to == null ? bg.rollback(s, events) : bg.rollbackTo(s, to, events);
            if (!json.on) {
                cli.out().println(r.backOn());
            }
            return BlueGreenCli.OK;
        }
    }
}
