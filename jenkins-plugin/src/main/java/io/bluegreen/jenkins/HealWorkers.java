package io.bluegreen.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.AbortException;
import hudson.init.Terminator;
import hudson.security.ACL;
import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.EventLines;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.HealWorker;
import io.bluegreen.core.heal.Healer;
import io.bluegreen.core.heal.WatchIndexes;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The controller's heal machinery: one Consul connection, core's replay guard, and one core {@link HealWorker} per
 * watched service (heals one at a time, coalesces triggers, and reconciles on its own with blocking queries, since
 * Consul never retries a lost POST). Rebuilt after the configuration changes; stopped with Jenkins.
 */
final class HealWorkers {
    private static final Logger LOGGER = Logger.getLogger(HealWorkers.class.getName());
    private static final HealWorkers INSTANCE = new HealWorkers();
    private final Map<String, HealWorker> workers = new HashMap<>();
    private BlueGreen connection;
    private WatchIndexes indexes;

    static HealWorkers get() {
        return INSTANCE;
    }

    /** The secret a watched service's POSTs must carry, or null when its credentials are missing (logged). */
    Secret secret(WatchedService w) {
        StringCredentials c = CredentialsProvider.findCredentialByIdInItemGroup(w.getSecretCredentialsId(),
                StringCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of());
        if (c == null) {
            LOGGER.warning("Blue-Green Deploy: the watch secret credentials '" + w.getSecretCredentialsId() + "' of service "
                    + w.getService() + " do not exist; its watch POSTs are refused");
            return null;
        }
        return new Secret(c.getSecret().getPlainText());
    }

    synchronized WatchIndexes indexes() {
        connect();
        return indexes;
    }

    synchronized HealWorker.Trigger trigger(WatchedService w, String why) {
        connect();
        HealWorker worker = workers.computeIfAbsent(w.getService(), s -> {
            HealSettings d = HealSettings.defaults();
            HealSettings settings = new HealSettings(d.grace(), d.maxHeals(), d.window(), d.lockWait(),
                    Optional.of(new JobHandOff(w.getHealingJob())));
            return new HealWorker(s, connection.systems(),
                    new Healer(connection.systems(), settings, e -> LOGGER.info(EventLines.human(e))), LOGGER::info);
        });
        return worker.trigger(why);
    }

    private void connect() {
        if (connection == null) {
            try {
                connection = BlueGreen.connect(Connections.fromEnvironment(Settings.forController()));
            } catch (AbortException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            indexes = new WatchIndexes(connection.systems().store());
        }
    }

    /** Stops every worker and drops the connection; the next watch POST starts afresh with the current configuration. */
    synchronized void reset() {
        workers.values().forEach(HealWorker::close);
        workers.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                LOGGER.log(Level.FINE, "closing the Docker client", e);
            }
        }
        connection = null;
        indexes = null;
    }

    @Terminator
    public static void shutdown() {
        get().reset();
    }
}
