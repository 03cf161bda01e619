package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.DeployResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code promote} and {@code abort}: the person's decision on the color waiting in preview. */
abstract class PreviewDecisionCommand extends Subcommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Mixin
    ServiceOption service;

    abstract DeployResult decide(BlueGreen bg, String service, DeployListener events);

    @Override
    public Integer call() throws Exception {
        String s = service.validated();
        try (BlueGreen bg = cli.connect()) {
            decide(bg, s, new EventPrinter(cli.out(), json.on));
            return BlueGreenCli.OK;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            header = "Give production traffic to the color waiting in preview (through its canary steps).",
            description = "The color in preview takes production traffic: through its canary steps (promotion.steps),"
                + " then verify and the post-promotion hooks, as a deploy's flip. Exit 1 when nothing is in preview.")
    static final class Promote extends PreviewDecisionCommand {
        @Override
        DeployResult decide(BlueGreen bg, String service, DeployListener events) {
            return bg.promote(service, events);
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            header = "Drop the color waiting in preview; production is not touched.",
            description = "Drop the color in preview (its replicas are retired); production is not touched."
                + " Exit 1 when nothing is in preview.")
    static final class Abort extends PreviewDecisionCommand {
        @Override
        DeployResult decide(BlueGreen bg, String service, DeployListener events) {
            return bg.abort(service, events);
        }
    }
}
