package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.FormValidation;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.structs.describable.DescribableParameter;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class BlueGreenDeployBuilderTest {

    @Test
    void theFormKeepsEveryField(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject();
        BlueGreenDeployBuilder before = new BlueGreenDeployBuilder("deploy/bluegreen.yml");
        before.setService("vote");
        before.setImage("127.0.0.1:5000/vote");
        before.setTag("v${BUILD_NUMBER}");
        p.getBuildersList().add(before);
        j.configRoundtrip(p);
        j.assertEqualDataBoundBeans(before, p.getBuildersList().get(BlueGreenDeployBuilder.class));
    }

    @Test
    void formValidationIsCoresValidation(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject();
        BlueGreenDeployBuilder.DescriptorImpl d =
                j.jenkins.getDescriptorByType(BlueGreenDeployBuilder.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, d.doCheckService(p, "vote").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckService(p, "Vote!").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckTag(p, "-v2").kind);
        assertEquals(
                FormValidation.Kind.OK,
                d.doCheckTag(p, "${TAG}").kind,
                "a build variable is checked when the build expands it");
        assertEquals(FormValidation.Kind.ERROR, d.doCheckImage(p, "127.0.0.1:5000/Vote:v2").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckSpecFile(p, "").kind);
    }

    /** The security scan's two rules: a field check answers POST only, and only those who may configure the job. */
    @Test
    void fieldChecksNeedAPostAndItemConfigure(JenkinsRule j) throws Exception {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ)
                .everywhere()
                .to("reader", "editor")
                .grant(Item.CONFIGURE)
                .everywhere()
                .to("editor"));
        FreeStyleProject p = j.createFreeStyleProject("app");
        BlueGreenDeployBuilder.DescriptorImpl d =
                j.jenkins.getDescriptorByType(BlueGreenDeployBuilder.DescriptorImpl.class);
        try (ACLContext reader = ACL.as2(User.getById("reader", true).impersonate2())) {
            assertEquals(FormValidation.Kind.OK, d.doCheckTag(p, "-v2").kind, "no verdict without Item/Configure");
        }
        try (ACLContext editor = ACL.as2(User.getById("editor", true).impersonate2())) {
            assertEquals(FormValidation.Kind.ERROR, d.doCheckTag(p, "-v2").kind);
        }

        JenkinsRule.WebClient wc = j.createWebClient().login("editor");
        wc.setThrowExceptionOnFailingStatusCode(false);
        String check =
                p.getUrl() + "descriptorByName/" + BlueGreenDeployBuilder.class.getName() + "/checkTag?value=-v2";
        int get = wc.goTo(check, null).getWebResponse().getStatusCode();
        assertNotEquals(200, get, "a GET does not reach the check");
        WebRequest post =
                wc.addCrumb(new WebRequest(URI.create(j.getURL() + check).toURL(), HttpMethod.POST));
        String answer = wc.getPage(post).getWebResponse().getContentAsString();
        assertTrue(answer.contains("tag"), answer);
        assertFalse(answer.isBlank());
    }

    /** Every parameter of blueGreenDeploy is in the snippet generator's form and has a help file. */
    @Test
    void theSnippetGeneratorShowsEveryParameterWithHelp(JenkinsRule j) throws Exception {
        String form;
        try (InputStream in = BlueGreenDeployStep.class.getResourceAsStream("BlueGreenDeployStep/config.jelly")) {
            form = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> parameters = DescribableModel.of(BlueGreenDeployStep.class).getParameters().stream()
                .map(DescribableParameter::getName)
                .sorted()
                .toList();
        List<String> fields = java.util.regex.Pattern.compile("field=\"([A-Za-z]+)\"")
                .matcher(form)
                .results()
                .map(m -> m.group(1))
                .sorted()
                .toList();
        assertEquals(parameters, fields, "the form's fields are the step's parameters, each once");
        for (String parameter : parameters) {
            assertNotNull(
                    BlueGreenDeployStep.class.getResource("BlueGreenDeployStep/help-" + parameter + ".html"),
                    "help for " + parameter);
        }
    }
}
