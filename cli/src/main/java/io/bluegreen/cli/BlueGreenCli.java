package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.FailureKind;
import io.bluegreen.core.engine.Redactor;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bluegreen}: the command-line shell over core. Exit codes are the contract users script against. */
@Command(name = "bluegreen", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Zero-downtime blue-green deploys of Docker services, gated by Consul health checks.",
        subcommands = {DeployCommand.class, StatusCommand.class, PreviewDecisionCommand.Promote.class,
                PreviewDecisionCommand.Abort.class, RollbackCommand.class, HistoryCommand.class,
                HealCommand.class, HealServerCommand.class, WatchConfigCommand.class, RegistratorCommand.class,
                StateCommand.class},
        footer = {"", "Through bin/bluegreen only:",
                "  demo [--cluster] [--down]   Run the local demo, set-up included; --down",
                "                              stops it.",
                "", "Exit codes: 0 done; 1 failed and rolled back (traffic unchanged), or refused;",
                "2 invalid input or usage; 3 a required system unreachable, nothing changed;",
                "4 rollback failed, or what Consul holds cannot be trusted (corrupt, unsigned,",
                "a replay, or not what serves traffic): a human must look.",
                "Connections: DOCKER_HOST, CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN,",
                "REGISTRY_USERNAME/REGISTRY_PASSWORD or the credentials `docker login` stored;",
                "BLUEGREEN_STATE_KEY (or _FILE) signs the saved state."})
public final class BlueGreenCli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int UNREACHABLE = 3;
    public static final int NEEDS_HUMAN = 4;

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final java.io.InputStream stdin;

    public BlueGreenCli(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this(env, out, err, null);
    }

    /** {@code stdin} null means the process's own standard input. */
    public BlueGreenCli(Map<String, String> env, PrintWriter out, PrintWriter err, java.io.InputStream stdin) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(new BlueGreenCli(System.getenv(), out, err).run(args));
    }

    public int run(String... args) {
        CommandLine cli = new CommandLine(this, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (Subcommand.class.isAssignableFrom(type)) {
                    K k = CommandLine.defaultFactory().create(type);
                    ((Subcommand) k).attach(BlueGreenCli.this);
                    return k;
                }
                return CommandLine.defaultFactory().create(type);
            }
        });
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> report(e));
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private int report(Exception e) {
        Redactor redactor = new Redactor(secretsFromEnvironment());
        FailureKind kind = FailureKind.of(e);
        err.println("bluegreen: " + kind.label(e) + ": " + redactor.redact(e.getMessage()));
        err.flush();
        return kind.exitCode();
    }

    /** Every secret the environment holds, so that not even an unexpected error message can print one. */
    List<String> secretsFromEnvironment() {
        return java.util.stream.Stream.of("CONSUL_HTTP_TOKEN", "REGISTRY_PASSWORD", "JENKINS_API_TOKEN", HealSecretOption.ENV,
                        "BLUEGREEN_STATE_KEY")
                .map(env::get).filter(v -> v != null && !v.isBlank()).toList();
    }

    Connections connections() {
        return Connections.fromEnvironment(env);
    }

    BlueGreen connect() {
        return BlueGreen.connect(connections(), notice -> {
            err.println(notice);
            err.flush();
        });
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    Map<String, String> env() {
        return env;
    }

    java.io.InputStream stdin() {
        return stdin;
    }
}
