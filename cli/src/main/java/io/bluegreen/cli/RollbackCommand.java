package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.DeployResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Flip traffic back to the warm standby color, if it still runs and passes.")
final class RollbackCommand extends Subcommand implements Callable<Integer> {
    @Mixin
    ServiceOption service;


    @Override
    public Integer call() throws Exception {
        String s = service.validated();
        try (BlueGreen bg = cli.connect()) {
            DeployResult r = bg.rollback(s, new EventPrinter(cli.out(), json));
            if (!json) {
                cli.out().println(r.backOn());
            }
            return BlueGreenCli.OK;
        }
    }
}
