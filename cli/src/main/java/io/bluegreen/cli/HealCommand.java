package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.heal.HealOutcome;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.Healer;
import io.bluegreen.core.heal.WatchPayload;
import io.bluegreen.core.heal.WatchPayloads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "heal", mixinStandardHelpOptions = true,
        description = {"Consul watch script handler: reads the watch's JSON (checks or service watch) from stdin,",
                "re-reads health from Consul and replaces failed replicas, fails back to the warm standby, or redeploys."})
final class HealCommand extends Subcommand implements Callable<Integer> {
    /** How often a failed heal looks again before the handler exits (each look acts only if something still failed). */
    private static final int MAX_REOBSERVE = 2;

    @Mixin
    ServiceOption service;

    @Mixin
    HealOptions heal;

    @Override
    public Integer call() throws Exception {
        String s = service.validated();
        HealSettings settings = heal.settings(cli);
        WatchPayload payload = WatchPayloads.parse(readPayload(), s);
        try (BlueGreen bg = cli.connect()) {
            EventPrinter events = new EventPrinter(cli.out(), json);
            if (!json) {
                cli.out().println("watch payload: " + payload.type() + ", " + payload.verdicts().size() + " check(s) of " + s
                        + ", " + payload.critical() + " critical; re-reading health from Consul");
            }
            // The service's own cluster (its target is kept in its state): a heal on several engines acts there.
            Healer healer = bg.healer(s, settings, events);
            HealOutcome o = healer.heal(s);
            print(s, o);
            // No further watch event may come for what happened during a heal that failed (a cascade: the rest died
            // while a replacement gated): look again, at once, a bounded number of times.
            for (int again = 0; again < MAX_REOBSERVE && o.failed(); again++) {
                o = healer.heal(s, new Healer.Run(true));
                print(s, o);
            }
            return o.failed() ? BlueGreenCli.FAILED : BlueGreenCli.OK;
        }
    }

    private void print(String s, HealOutcome o) throws IOException {
        cli.out().println(json ? StatusCommand.JSON.writeValueAsString(o).replace("\n", "")
                : "heal " + s + ": " + o.outcome() + " (" + o.action().label() + "): " + o.reason());
    }

    /** At most {@link WatchPayloads#MAX_BYTES}; a larger payload is refused, not truncated. */
    private String readPayload() throws IOException {
        InputStream in = Optional.ofNullable(cli.stdin()).orElse(System.in);
        byte[] bytes = in.readNBytes(WatchPayloads.MAX_BYTES + 1);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
