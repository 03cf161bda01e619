package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The global page offers only credentials a build can use: a build's own lookup leaves System scope out. */
@WithJenkins
class BlueGreenConfigurationTest {

    @Test
    void offersOnlyCredentialsEveryBuildCanUse(JenkinsRule j) throws Exception {
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        store.getCredentials()
                .addAll(List.of(
                        new StringCredentialsImpl(CredentialsScope.GLOBAL, "token", "", Secret.fromString("t0ken")),
                        new StringCredentialsImpl(
                                CredentialsScope.SYSTEM, "system-token", "", Secret.fromString("t0ken")),
                        new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "registry", "", "ci", "pa55word"),
                        new UsernamePasswordCredentialsImpl(
                                CredentialsScope.SYSTEM, "system-registry", "", "ci", "pa55word")));
        store.save();
        BlueGreenConfiguration c = BlueGreenConfiguration.get();

        assertEquals(List.of("", "token"), values(c.doFillConsulTokenCredentialsIdItems("")));
        assertEquals(List.of("", "registry"), values(c.doFillRegistryCredentialsIdItems("")));
        assertEquals(List.of("", "token"), values(c.doFillStateKeyCredentialsIdItems("")));
        assertEquals(FormValidation.Kind.ERROR, c.doCheckStateKeyCredentialsId("system-token").kind);
        assertEquals(FormValidation.Kind.OK, c.doCheckConsulTokenCredentialsId("token").kind);
        assertEquals(FormValidation.Kind.ERROR, c.doCheckConsulTokenCredentialsId("system-token").kind);
        assertEquals(FormValidation.Kind.ERROR, c.doCheckRegistryCredentialsId("system-registry").kind);
        assertEquals(FormValidation.Kind.OK, c.doCheckRegistryCredentialsId("").kind);
    }

    private static List<String> values(ListBoxModel m) {
        return m.stream().map(o -> o.value).toList();
    }
}
