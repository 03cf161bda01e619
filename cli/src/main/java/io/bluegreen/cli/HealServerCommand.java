package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.HealServer;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.ServerTls;
import io.bluegreen.core.heal.TrendSettings;
import io.bluegreen.core.spec.HttpUrls;
import io.bluegreen.core.spec.InvalidSpecException;
import java.net.URI;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "heal-server", mixinStandardHelpOptions = true,
        header = "Heal services as the HTTP handler of Consul watches; serves /metrics and the live dashboard.",
        description = "Consul watch HTTP handler: receives the watch's POSTs on /v1/heal/SERVICE (shared secret in"
                + " X-Bluegreen-Token), answers 202 at once and heals in the background, one worker per service; also"
                + " reconciles on its own with a blocking query on each service's health. Takes a person's rollback on"
                + " /v1/rollback/SERVICE, signed with the same secret (bin/bluegreen rollback with BLUEGREEN_HEAL_URL)."
                + " Stops on SIGTERM.")
final class HealServerCommand extends Subcommand implements Callable<Integer> {
    static final String TLS_PASSWORD_ENV = "BLUEGREEN_TLS_PASSWORD";
    private static final Pattern LISTEN = Pattern.compile("(\\[[0-9a-fA-F:]+]|[A-Za-z0-9.-]+):(\\d{1,5})");

    @Mixin
    JsonOption json;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "where to listen, e.g. 127.0.0.1:8765")
    String listen;

    @Option(names = "--insecure-listen", description = "listen on an address other than loopback over plain HTTP (the"
            + " watch secret and the read-only pages travel unencrypted): refused without it or --tls-cert")
    boolean insecureListen;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", description = "serve the read-only /metrics and"
            + " /dashboard/ here instead of on --listen (e.g. for a Prometheus on another host)")
    String metricsListen;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "serve HTTPS: a PEM certificate chain (with --tls-key),"
            + " or a PKCS#12 file alone (its password from $" + TLS_PASSWORD_ENV + ", else none)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the PEM certificate's private key (unencrypted PKCS#8:"
            + " -----BEGIN PRIVATE KEY-----)")
    Path tlsKey;

    @Option(names = {"-s", "--service"}, required = true, paramLabel = "SERVICE", description = "a service to heal (repeatable)")
    List<String> services;

    @Option(names = "--prometheus", paramLabel = "URL", description = "the Prometheus the dashboard's plots come from,"
            + " e.g. http://127.0.0.1:9090 (without it the dashboard shows no plots)")
    String prometheus;

    @Mixin
    TrendOptions trendOptions;

    @Mixin
    HealSecretOption secret;

    @Mixin
    HealOptions heal;

    /** Counted down by SIGTERM (the shutdown hook); tests interrupt the thread instead. */
    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Optional<SSLContext> tls = tls();
        InetSocketAddress address = listenAddress("--listen", listen, tls);
        Optional<InetSocketAddress> pagesAddress = Optional.ofNullable(metricsListen).map(m -> listenAddress("--metrics-listen", m, tls));
        LinkedHashSet<String> names = new LinkedHashSet<>();
        services.forEach(s -> names.add(ServiceOption.validate(s)));
        Secret token = secret.resolve(cli);
        HealSettings settings = heal.settings(cli);
        Optional<URI> plots = Optional.ofNullable(prometheus).map(p -> HttpUrls.validated("--prometheus", p));
        Optional<TrendSettings> trendSettings = trendOptions.settings(plots);
        try (BlueGreen bg = cli.connect()) {
            bg.systems().store().ping();
            EventPrinter events = new EventPrinter(cli.out(), json.on);
            Map<String, HealSettings> healed = new LinkedHashMap<>();
            names.forEach(s -> healed.put(s, settings));
            HealServer server = HealServer.start(new HealServer.Listeners(address, pagesAddress, tls), token, bg.watchReceiver(healed, trendSettings, events, this::log), this::log,
                    Optional.of(bg.dashboard(List.copyOf(names), plots)));
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(40, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "heal-server-sigterm");
            Runtime.getRuntime().addShutdownHook(hook);
            String scheme = tls.isPresent() ? "https" : "http";
            log("listening on " + hostPort(server.address()) + " (" + scheme + ") for "
                    + String.join(", ", names) + (settings.handOff().isPresent() ? "; heals go to Jenkins job " + heal.jenkinsJob : ""));
            log("dashboard (read-only) at " + scheme + "://" + hostPort(server.pagesAddress()) + "/dashboard/, metrics at " + scheme
                    + "://" + hostPort(server.pagesAddress()) + "/metrics" + (plots.isEmpty() ? " (no --prometheus: no plots)" : ""));
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                log("stopping: no new requests; a running heal gets up to 30 s");
                server.close();
                log("stopped");
                stopped.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already stopping because of SIGTERM: the hook is what got us here
                }
            }
            return BlueGreenCli.OK;
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private Optional<SSLContext> tls() {
        if (tlsCert == null) {
            if (tlsKey != null) {
                throw new InvalidSpecException("--tls-key: needs --tls-cert (the certificate it is the key of)");
            }
            return Optional.empty();
        }
        String password = cli.env().get(TLS_PASSWORD_ENV);
        return Optional.of(ServerTls.load(tlsCert, Optional.ofNullable(tlsKey), password == null ? new char[0] : password.toCharArray()));
    }

    private InetSocketAddress listenAddress(String flag, String value, Optional<SSLContext> tls) {
        Matcher m = LISTEN.matcher(value);
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
            throw new InvalidSpecException(flag + ": '" + value.replaceAll("\\p{Cntrl}", "?")
                    + "' is not HOST:PORT such as 127.0.0.1:8765 (port 0 picks a free one)");
        }
        InetSocketAddress a = new InetSocketAddress(m.group(1).replaceAll("^\\[|]$", ""), Integer.parseInt(m.group(2)));
        if (a.isUnresolved()) {
            throw new InvalidSpecException(flag + ": cannot resolve the host " + m.group(1));
        }
        // Plain HTTP: the watch secret and the unauthenticated pages stay on this machine unless the person says otherwise.
        if (!a.getAddress().isLoopbackAddress() && tls.isEmpty() && !insecureListen) {
            throw new InvalidSpecException(flag + ": " + a.getAddress().getHostAddress() + " is not a loopback address and"
                    + " there is no --tls-cert: the watch secret and the unauthenticated /metrics and /dashboard would travel"
                    + " in plain HTTP; give --tls-cert (and --tls-key), listen on 127.0.0.1 behind a TLS proxy, or add"
                    + " --insecure-listen");
        }
        return a;
    }

    private void log(String line) {
        synchronized (cli.out()) {
            cli.out().println(Instant.now() + " heal-server " + line);
            cli.out().flush();
        }
    }
}
