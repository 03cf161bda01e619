package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.CommandHint;
import io.bluegreen.core.engine.PreviewState;
import io.bluegreen.core.engine.StatusReport;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Show the active color, and each color's version and replica health.",
        description = "Active color, version and replica health per color.")
final class StatusCommand extends Subcommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Mixin
    ServiceOption service;


    @Option(names = "--repair", description = "repair a deploy or rollback that was interrupted (its deployer died)")
    boolean repair;

    @Override
    public Integer call() throws Exception {
        String s = service.validated();
        try (BlueGreen bg = cli.connect()) {
            if (repair) {
                Optional<String> done = bg.repair(s, new EventPrinter(cli.err(), false));
                cli.err().println(done.orElse("nothing to repair: no interrupted operation on " + s));
            }
            StatusReport report = bg.status(s);
            if (json.on) {
                cli.out().println(JsonOption.PRETTY.writeValueAsString(report));
            } else {
                print(report, cli.out());
            }
            return BlueGreenCli.OK;
        }
    }

    static void print(StatusReport r, PrintWriter out) {
        out.println("service " + r.service() + ": " + (r.active() == null ? "no active color" : "active color " + r.active())
                + (r.router() == null ? "" : ", traffic through " + r.router()));
        if (r.trafficDisagrees() != null) {
            out.println("WARNING: " + r.trafficDisagrees() + "; a deploy or " + CommandHint.of("rollback -s " + r.service())
                    + " routes again, and nothing is retired while the proxy serves it");
        }
        if (r.interruptedOperation() != null) {
            out.println("WARNING: " + r.interruptedOperation() + "; run " + CommandHint.of("status -s " + r.service()
                    + " --repair") + " (the next deploy also repairs it)");
        }
        if (r.colors().isEmpty()) {
            out.println("(nothing deployed)");
        } else {
            out.printf("%-6s %-8s %-12s %-8s %-8s %-20s %s%n", "COLOR", "ROLE", "VERSION", "RUNNING", "PASSING", "DEPLOY", "STANDBY UNTIL");
            for (StatusReport.ColorStatus c : r.colors()) {
                out.printf("%-6s %-8s %-12s %-8s %-8s %-20s %s%n", c.color(), c.role(), c.version(),
                        c.running() + "/" + c.replicas(), c.passing() + "/" + c.replicas(), c.deployId(),
                        c.standbyUntil() == null ? "-" : c.standbyUntil());
                for (StatusReport.ReplicaStatus rs : c.replicaStatus()) {
                    out.printf("         %-40s %-22s %-9s %s%n", rs.id(), rs.endpoint() == null ? "-" : rs.endpoint(),
                            rs.running() ? "running" : "stopped", rs.health() + (rs.output() == null ? "" : " " + oneLine(rs.output())));
                }
            }
        }
        if (r.preview() != null) {
            PreviewState p = r.preview();
            out.println("preview: " + p.color() + " (" + p.version() + ") since " + p.since()
                    + (p.url() == null ? "" : " at " + p.url()) + "; aborted by itself at " + p.until()
                    + (p.promoteAt() == null ? "" : ", promoted by itself at " + p.promoteAt())
                    + "; " + CommandHint.of("promote -s " + r.service()) + " or " + CommandHint.of("abort -s " + r.service()));
        }
        if (!r.strays().isEmpty()) {
            out.println("other containers of " + r.service() + " (not in the state): " + String.join(", ", r.strays()));
        }
        out.flush();
    }

    private static String oneLine(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 80 ? one.substring(0, 80) + "..." : one;
    }
}
