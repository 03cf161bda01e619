package io.bluegreen.jenkins;

import static org.junit.Assert.assertEquals;

import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import org.junit.Rule;
import org.junit.Test;

public class ConfigurationAsCodeTest {
    @Rule
    public JenkinsConfiguredWithCodeRule j = new JenkinsConfiguredWithCodeRule();

    @Test
    @ConfiguredWithCode("casc.yml")
    public void importsEverySetting() {
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
}
