package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.heal.HealOutcome;
import io.bluegreen.core.heal.HealSettings;
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
        header = "Heal a service once, as a Consul watch's script handler (the watch's JSON on stdin).",
        description = "Consul watch script handler: reads the watch's JSON (checks or service watch) from stdin,"
                + " re-reads health from Consul and replaces failed replicas, fails back to the warm standby, or redeploys.")
final class HealCommand extends Subcommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

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
            EventPrinter events = new EventPrinter(cli.out(), json.on);
            if (!json.on) {
                cli.out().println("watch payload: " + payload.type() + ", " + payload.verdicts().size() + " check(s) of " + s
                        + ", " + payload.critical() + " critical; re-reading health from Consul");
            }
            // The service's own cluster (its target is kept in its state): a heal on several engines acts there.
            HealOutcome o = bg.healer(s, settings, events).healOnce(s, each -> print(s, each));
            return o.failed() ? BlueGreenCli.FAILED : BlueGreenCli.OK;
        }
    }

    private void print(String s, HealOutcome o) {
        try {
            cli.out().println(json.on ? JsonOption.ONE_LINE.writeValueAsString(o)
                    : "heal " + s + ": " + o.outcome() + " (" + o.action().label() + "): " + o.reason());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a heal outcome that cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** At most {@link WatchPayloads#MAX_BYTES}; a larger payload is refused, not truncated. */
    private String readPayload() throws IOException {
        InputStream in = Optional.ofNullable(cli.stdin()).orElse(System.in);
        byte[] bytes = in.readNBytes(WatchPayloads.MAX_BYTES + 1);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
