package io.bluegreen.jenkins;

import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.AbortException;
import hudson.Extension;
import hudson.XmlFile;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.init.Terminator;
import hudson.model.Saveable;
import hudson.model.listeners.SaveableListener;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.EventLines;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.WatchReceiver;
import io.bluegreen.core.spec.StepParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The controller's heal machinery, kept in line with the configuration: core's watch receiver with one heal worker per
 * watched service (each heals one at a time, coalesces triggers, and reconciles on its own from the moment it starts,
 * since Consul never retries a lost POST), on one Consul connection. Started once Jenkins has loaded its jobs; started
 * again whenever the configuration (from its page or as code) or Jenkins' own credentials are saved, off the saving
 * thread, a second later and once for a burst of saves, and only when what the workers are made from changed; stopped
 * with Jenkins. Each service's secret is read when its worker starts, so a POST costs one map lookup and one
 * constant-time comparison, whether or not the service it names is watched.
 */
@Restricted(NoExternalUse.class)
public final class HealWorkers {
    private static final Logger LOGGER = Logger.getLogger(HealWorkers.class.getName());
    private static final HealWorkers INSTANCE = new HealWorkers();
    /** How long a running heal may finish when its worker stops. */
    private static final Duration FINISH = Duration.ofSeconds(30);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            new NamingThreadFactory(new DaemonThreadFactory(), "Blue-Green Deploy heal workers"));
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile Running running = Running.idle("", Map.of());

    /**
     * What runs: the receiver and its workers, the secret each watched service's POSTs must carry, their connection,
     * the digest of what they were made from, and what the configuration page says of each configured service.
     */
    private record Running(
            WatchReceiver receiver,
            Map<String, Secret> secrets,
            BlueGreen connection,
            String madeFrom,
            Map<String, String> states) {
        /** No worker: every POST is refused as one for a service nobody watches. */
        static Running idle(String madeFrom, Map<String, String> states) {
            return new Running(
                    new WatchReceiver(Map.of(), (service, index) -> false, new Redactor(List.of())),
                    Map.of(),
                    null,
                    madeFrom,
                    states);
        }

        void close(Duration wait) {
            receiver.close(wait);
            if (connection != null) {
                try {
                    connection.close();
                } catch (IOException e) {
                    LOGGER.log(Level.FINE, "closing the Docker client", e);
                }
            }
        }
    }

    private HealWorkers() {}

    static HealWorkers get() {
        return INSTANCE;
    }

    /** A watch POST, answered by the workers running now. */
    WatchReceiver.Reply receive(WatchReceiver.Request request) throws IOException {
        Running now = running;
        return now.receiver().receive(request, now.secrets().get(request.service()));
    }

    /** What the configuration page says of a configured service's worker. */
    String state(String service) {
        return running.states().getOrDefault(service, Messages.HealWorkers_Starting());
    }

    /** Brings the workers in line with the configuration and the credentials: soon, off the caller's thread. */
    void restart() {
        if (queued.compareAndSet(false, true)) {
            thread.schedule(this::reconcile, 1, TimeUnit.SECONDS);
        }
    }

    private void reconcile() {
        queued.set(false);
        if (Jenkins.getInstanceOrNull() == null) {
            return; // Jenkins stopped meanwhile
        }
        try {
            reconcileNow();
        } catch (RuntimeException e) {
            LOGGER.log(
                    Level.WARNING,
                    "Blue-Green Deploy: bringing the heal workers in line with the configuration failed",
                    e);
        }
    }

    private void reconcileNow() {
        Wanted wanted = Wanted.read();
        if (wanted.digest().equals(running.madeFrom())) {
            return;
        }
        Running old = running;
        running = Running.idle("", Map.of());
        old.close(FINISH);
        try {
            running = wanted.start();
        } catch (RuntimeException e) {
            String why = Messages.HealWorkers_NotWatched(e.getMessage());
            LOGGER.warning("Blue-Green Deploy: the heal workers could not start: " + e.getMessage());
            Map<String, String> states = new LinkedHashMap<>(wanted.states());
            wanted.healed().keySet().forEach(s -> states.put(s, why));
            running = Running.idle(wanted.digest(), states);
        }
    }

    /**
     * What the configuration asks for: the connection settings (null when they cannot be read), the services that can
     * be watched with their heal settings and secrets, what is said of each configured one, and a digest of it all.
     */
    private record Wanted(
            Map<String, String> env,
            Map<String, HealSettings> healed,
            Map<String, Secret> secrets,
            Map<String, String> states,
            String digest) {
        static Wanted read() {
            Map<String, HealSettings> healed = new LinkedHashMap<>();
            Map<String, Secret> secrets = new LinkedHashMap<>();
            Map<String, String> states = new LinkedHashMap<>();
            Digest digest = new Digest();
            Map<String, String> env = null;
            try {
                env = Settings.forController();
                env.forEach(digest::add);
            } catch (AbortException e) {
                digest.add("env", e.getMessage());
            }
            for (WatchedService w : BlueGreenConfiguration.get().getWatchedServices()) {
                Optional<String> problem = problem(w);
                if (problem.isEmpty() && env == null) {
                    problem = Optional.of(Messages.HealWorkers_NoConnection());
                }
                if (problem.isPresent()) {
                    states.put(w.getService(), Messages.HealWorkers_NotWatched(problem.get()));
                    continue;
                }
                try {
                    Secret secret = Settings.watchSecret(w.getSecretCredentialsId());
                    HealSettings d = HealSettings.defaults();
                    healed.put(
                            w.getService(),
                            new HealSettings(
                                    d.grace(),
                                    d.maxHeals(),
                                    d.window(),
                                    d.lockWait(),
                                    Optional.of(new JobHandOff(w.getHealingJob()))));
                    secrets.put(w.getService(), secret);
                    states.put(w.getService(), Messages.HealWorkers_Watching());
                    digest.add(w.getService(), w.getHealingJob());
                    digest.add(w.getService(), secret.reveal());
                } catch (AbortException e) {
                    states.put(w.getService(), Messages.HealWorkers_NotWatched(e.getMessage()));
                }
            }
            states.forEach(digest::add);
            return new Wanted(env, healed, secrets, states, digest.hex());
        }

        /** Names the services only: the connection settings hold the Consul token. */
        @Override
        public String toString() {
            return "Wanted" + healed.keySet();
        }

        /** Why a configured entry cannot be watched, before any credentials are read. */
        private static Optional<String> problem(WatchedService w) {
            if (w.getService().isEmpty()) {
                return Optional.of(Messages.HealWorkers_NoService());
            }
            List<String> problems = StepParameters.problems("service", w.getService());
            if (!problems.isEmpty()) {
                return Optional.of(String.join("; ", problems));
            }
            if (w.getSecretCredentialsId() == null) {
                return Optional.of(Messages.HealWorkers_NoSecret());
            }
            return w.getHealingJob().isEmpty() ? Optional.of(Messages.HealWorkers_NoJob()) : Optional.empty();
        }

        /**
         * Starts the workers, which ask Consul nothing until they run (each reconciles at once, then waits out an outage
         * itself), or nothing when no service can be watched; only settings core cannot use fail here.
         */
        Running start() {
            if (healed.isEmpty()) {
                return Running.idle(digest, states);
            }
            BlueGreen bg = BlueGreen.connect(Connections.fromEnvironment(env), LOGGER::warning);
            try {
                Redactor redactor = bg.systems().redactor();
                WatchReceiver receiver =
                        bg.watchReceiver(healed, e -> LOGGER.info(redactor.redact(EventLines.human(e))), LOGGER::info);
                return new Running(receiver, Map.copyOf(secrets), bg, digest, states);
            } catch (RuntimeException e) {
                try {
                    bg.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }
    }

    /** A SHA-256 over what the workers are made from, secrets included, so that none of them is kept to compare. */
    private static final class Digest {
        private final MessageDigest sha;

        Digest() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(String key, String value) {
            sha.update((key + "\0" + value + "\0").getBytes(StandardCharsets.UTF_8));
        }

        String hex() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    /** Once Jenkins has loaded its jobs (the healing jobs the workers hand actions to). */
    @Initializer(after = InitMilestone.JOB_CONFIG_ADAPTED)
    public static void startWithJenkins() {
        get().restart();
    }

    /** Stops the workers; the thread that starts them stays, idle, for the next Jenkins in this JVM (tests). */
    @Terminator
    public static void stopWithJenkins() {
        HealWorkers w = get();
        Running old = w.running;
        w.running = Running.idle("", Map.of());
        old.close(Duration.ofSeconds(10));
    }

    /** A save of this plugin's configuration or of Jenkins' own credentials (a watch secret may have changed). */
    @Extension
    public static final class OnSave extends SaveableListener {
        @Override
        public void onChange(Saveable o, XmlFile file) {
            if (o instanceof BlueGreenConfiguration || o instanceof SystemCredentialsProvider) {
                get().restart();
            }
        }
    }
}
