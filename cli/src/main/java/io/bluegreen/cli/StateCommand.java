package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.port.StateStore;
import io.bluegreen.core.spec.HookSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bluegreen state ...}: what a person does about the saved state itself. */
@Command(name = "state", mixinStandardHelpOptions = true, subcommands = StateCommand.Trust.class,
        header = "Work on the state saved in Consul (`state trust`: sign it as it is).")
final class StateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a subcommand: trust");
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            header = "Sign a service's saved state and history as they are, after you checked them.",
            description = {"Signs S's state and history records as they are now, with BLUEGREEN_STATE_KEY: for a state"
                    + " written before signing, by hand, or restored from a backup, that you checked with"
                    + " `consul kv get bluegreen/S/state`. Each record must still be valid; the journal is never signed"
                    + " again. Prints what it signed, the commands the state's releases run among it."})
    static final class Trust extends Subcommand implements Callable<Integer> {
        @Mixin
        ServiceOption service;

        @Override
        public Integer call() throws Exception {
            String s = service.validated();
            try (BlueGreen bg = cli.connect()) {
                StateStore.Trusted t = bg.trust(s);
                cli.out().println(t.state().map(state -> "signed bluegreen/" + s + "/state as it is: " + describe(state))
                        .orElse("bluegreen/" + s + "/state does not exist: nothing to sign there"));
                cli.out().println("signed " + t.history().size() + " history record(s) of " + s);
                return BlueGreenCli.OK;
            }
        }

        private static String describe(ServiceState state) {
            List<String> parts = new ArrayList<>();
            parts.add(state.active() == null ? "no active color" : "active " + state.active());
            state.colors().forEach((label, c) -> parts.add(label + " " + c.version() + " (" + c.replicaIds().size()
                    + " replica(s))"));
            if (state.router() != null) {
                parts.add("router " + state.router().type() + (state.router().options().isEmpty() ? ""
                        : " " + state.router().options()));
            }
            List<String> commands = state.colors().values().stream().map(ColorState::control)
                    .filter(java.util.Objects::nonNull).flatMap(c -> Stream.of(c.hooks().prePromotion(),
                            c.hooks().postPromotion(), c.hooks().onFailure()).flatMap(List::stream))
                    .filter(h -> !h.isHttp()).map(HookSpec::describe).toList();
            parts.add(commands.isEmpty() ? "no commands" : "commands its releases run: " + String.join(", ", commands));
            return String.join("; ", parts);
        }
    }
}
