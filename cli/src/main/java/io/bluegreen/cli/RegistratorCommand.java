package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.docker.Registrator;
import io.bluegreen.core.spec.InvalidSpecException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "registrator", mixinStandardHelpOptions = true,
        header = "Keep Consul's registrations in step with the containers that really run.",
        description = "Keep Consul in step with the containers that run: register ours and SERVICE_NAME-labelled ones, "
                + "deregister the dead; resync on start, on each Docker event and every --interval.")
final class RegistratorCommand extends Subcommand implements Callable<Integer> {
    @Option(names = "--engine", paramLabel = "DOCKER_HOST", description = "an engine to follow (repeat; default DOCKER_HOST)")
    List<String> engines = new ArrayList<>();

    @Option(names = {"-s", "--service"}, paramLabel = "SERVICE", description = "manage only these services (repeat; default all)")
    List<String> services = new ArrayList<>();

    @Option(names = "--once", description = "resync once and exit")
    boolean once;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30", description = "full resync period (default 30)")
    int interval;

    @Override
    public Integer call() throws Exception {
        for (String e : engines) {
            if (!e.startsWith("unix:///") && !e.startsWith("tcp://")) {
                throw new InvalidSpecException("--engine: '" + e + "' is not unix:///path or tcp://host:port");
            }
        }
        Set<String> scope = new LinkedHashSet<>();
        services.forEach(s -> scope.add(ServiceOption.validate(s)));
        if (interval < 1 || interval > 3600) {
            throw new InvalidSpecException("--interval: must be 1..3600 seconds");
        }
        try (BlueGreen bg = cli.connect(); Registrator r = bg.registrator(engines, scope, this::log)) {
            Registrator.Changes c = r.resync();
            cli.out().println("resynced: " + c.added().size() + " registered, " + c.removed().size() + " deregistered");
            cli.out().flush();
            if (once) {
                return BlueGreenCli.OK;
            }
            r.follow();
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(interval * 1000L);
                r.resync();
            }
            return BlueGreenCli.OK;
        }
    }

    private void log(String line) {
        cli.err().println("registrator: " + line);
        cli.err().flush();
    }
}
