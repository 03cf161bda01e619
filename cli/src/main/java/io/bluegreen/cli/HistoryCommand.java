package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.FlipFigures;
import io.bluegreen.core.engine.HistoryRecord;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Every deploy, rollback and repair of a service, newest first.")
final class HistoryCommand extends Subcommand implements Callable<Integer> {
    @Mixin
    ServiceOption service;


    @Option(names = {"-n", "--limit"}, defaultValue = "50", paramLabel = "N", description = "at most N records (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws Exception {
        String s = service.validated();
        if (limit < 1 || limit > 10_000) {
            throw new io.bluegreen.core.spec.InvalidSpecException("--limit: must be from 1 to 10000, got " + limit);
        }
        try (BlueGreen bg = cli.connect()) {
            List<HistoryRecord> records = bg.history(s, limit);
            if (json) {
                cli.out().println(StatusCommand.JSON.writeValueAsString(records));
                return BlueGreenCli.OK;
            }
            if (records.isEmpty()) {
                cli.out().println("no history for " + s);
                return BlueGreenCli.OK;
            }
            cli.out().printf("%-20s %-8s %-15s %-10s %-14s %-8s %-18s %s%n", "ID", "KIND", "OUTCOME", "VERSION", "COLOR", "TIME",
                    "FLIP", "REASON");
            for (HistoryRecord r : records) {
                String colors = (r.previousColor() == null ? "" : r.previousColor() + "->") + (r.color() == null ? "-" : r.color());
                cli.out().printf("%-20s %-8s %-15s %-10s %-14s %-8s %-18s %s%n", r.id(), r.kind(), r.outcome(),
                        r.version() == null ? "-" : r.version(), colors, EventPrinter.seconds(r.durationMs()), flip(r.flip()),
                        r.reason() == null ? "" : r.reason().replaceAll("\\s+", " "));
            }
            return BlueGreenCli.OK;
        }
    }

    /** "12ms 0/41 fail" : the flip's time and, when it was probed, failed of sent requests. */
    private static String flip(FlipFigures f) {
        return f == null ? "-" : f.flipMs() + "ms" + (f.requests() == null ? "" : " " + f.failed() + "/" + f.requests() + " fail");
    }
}
