package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Actor;
import io.bluegreen.core.engine.FlipFigures;
import io.bluegreen.core.engine.HistoryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        header = "List a service's operations (deploys, promotions, aborts, rollbacks, repairs), newest first.")
final class HistoryCommand extends Subcommand implements Callable<Integer> {
    private static final int MAX_LIMIT = 10_000;
    @Mixin
    JsonOption json;

    @Mixin
    ServiceOption service;


    @Option(names = {"-n", "--limit"}, defaultValue = "50", paramLabel = "N", description = "at most N records (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--actor", paramLabel = "TEXT", description = "only the records whose actor contains TEXT (any case): a"
            + " user, a host, a Jenkins job or build URL, \"heal worker\"")
    String actor;

    @Override
    public Integer call() throws Exception {
        String s = service.validated();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new io.bluegreen.core.spec.InvalidSpecException("--limit: must be from 1 to 10000, got " + limit);
        }
        if (actor != null && (actor.isBlank() || actor.length() > Actor.MAX_LENGTH)) {
            throw new io.bluegreen.core.spec.InvalidSpecException("--actor: must be 1 to " + Actor.MAX_LENGTH + " characters");
        }
        try (BlueGreen bg = cli.connect()) {
            // Filtered, the newest records of the whole kept history are searched (up to the largest --limit).
            List<HistoryRecord> records = actor == null ? bg.history(s, limit) : bg.history(s, MAX_LIMIT).stream()
                    .filter(r -> r.actor() != null && r.actor().toLowerCase(Locale.ROOT).contains(actor.toLowerCase(Locale.ROOT)))
                    .limit(limit).toList();
            if (json.on) {
                cli.out().println(JsonOption.PRETTY.writeValueAsString(records));
                return BlueGreenCli.OK;
            }
            if (records.isEmpty()) {
                cli.out().println("no history for " + s);
                return BlueGreenCli.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "KIND", "OUTCOME", "VERSION", "COLOR", "TIME", "FLIP", "ACTOR", "REASON"));
            for (HistoryRecord r : records) {
                String colors = (r.previousColor() == null ? "" : r.previousColor() + "->") + (r.color() == null ? "-" : r.color());
                rows.add(List.of(r.id(), r.kind(), r.outcome(), r.version() == null ? "-" : r.version(), colors,
                        EventPrinter.seconds(r.durationMs()), flip(r.flip()), r.actor() == null ? "-" : r.actor(),
                        r.reason() == null ? "" : r.reason().replaceAll("\\s+", " ")));
            }
            printAligned(rows);
            return BlueGreenCli.OK;
        }
    }

    /** Each column as wide as its widest cell (a kind such as rollback-to never runs into the next); the last one free. */
    private void printAligned(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        rows.forEach(row -> {
            for (int i = 0; i < columns - 1; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        });
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns - 1; i++) {
                line.append(row.get(i)).append(" ".repeat(width[i] - row.get(i).length() + 1));
            }
            cli.out().println(line.append(row.get(columns - 1)).toString().stripTrailing());
        }
    }

    /** "12ms 0/41 fail" : the flip's time and, when it was probed, failed of sent requests. */
    private static String flip(FlipFigures f) {
        return f == null ? "-" : f.flipMs() + "ms" + (f.requests() == null ? "" : " " + f.failed() + "/" + f.requests() + " fail");
    }
}
