package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import org.junit.jupiter.api.Test;

@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {

    @Test
    @ConfiguredWithCode("casc.yml")
    void importsEverySetting(JenkinsConfiguredWithCodeRule j) {
        BlueGreenConfiguration c = BlueGreenConfiguration.get();
        assertEquals("127.0.0.1:8501", c.getConsulAddress());
        assertEquals("consul-token", c.getConsulTokenCredentialsId());
        assertEquals("registry", c.getRegistryCredentialsId());
        assertEquals("tcp://127.0.0.1:2375", c.getDockerHost());
        assertEquals("nginx", c.getDefaultRouter());
        assertEquals(1, c.getWatchedServices().size());
        WatchedService w = c.getWatchedServices().get(0);
        assertEquals("vote", w.getService());
        assertEquals("vote-watch", w.getSecretCredentialsId());
        assertEquals("ops/heal-vote", w.getHealingJob());
    }

    /**
     * Configuration as code sets the fields one by one, without the form: the heal workers follow each import (here
     * from no watched service to two), and an entry missing its keys is kept, empty, with its reason, not a
     * NullPointerException.
     */
    @Test
    @ConfiguredWithCode("casc.yml")
    void theHealWorkersFollowAnImportAndAnEntryMissingKeysSaysWhy(JenkinsConfiguredWithCodeRule j) throws Exception {
        String first = WorkerStates.awaitStarted("vote");
        assertTrue(first.startsWith(Messages.HealWorkers_NotWatched("")), first);

        ConfigurationAsCode.get()
                .configure(ConfigurationAsCodeTest.class
                        .getResource("casc-changed.yml")
                        .toString());

        assertEquals(2, BlueGreenConfiguration.get().getWatchedServices().size());
        String api = WorkerStates.awaitStarted("api");
        assertEquals(Messages.HealWorkers_NotWatched(Messages.HealWorkers_NoJob()), api);
        String nameless = WorkerStates.awaitStarted("");
        assertEquals(Messages.HealWorkers_NotWatched(Messages.HealWorkers_NoService()), nameless);
    }
}
