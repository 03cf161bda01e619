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

    /**
     * Every field of the spec (the table of docs/spec.md) is a parameter of blueGreenDeploy, but those made of
     * structures, which only a spec file holds; and every parameter sets a documented field. A field added to the spec
     * without its parameter fails here.
     */
    @Test
    void everySpecFieldIsAStepParameterButTheStructuredOnes(JenkinsRule j) throws Exception {
        java.nio.file.Path doc =
                java.nio.file.Path.of(System.getProperty("user.dir")).resolveSibling("docs/spec.md");
        String spec = java.nio.file.Files.readString(doc);
        String table = spec.substring(
                spec.indexOf("| field | default | rule |"), spec.indexOf("\n## ", spec.indexOf("| field")));
        java.util.Set<String> documented = java.util.regex.Pattern.compile("(?m)^\\| `([A-Za-z.]+)`")
                .matcher(table)
                .results()
                .map(m -> m.group(1))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        // Lists of structures (hooks, canary steps, the analysis and its queries): the spec file's.
        java.util.Set<String> structured =
                java.util.Set.of("promotion.steps", "hooks.prePromotion", "hooks.postPromotion", "hooks.onFailure");
        java.util.Set<String> byParameter = DescribableModel.of(BlueGreenDeployStep.class).getParameters().stream()
                .map(DescribableParameter::getName)
                .filter(n -> !n.equals("specFile"))
                .map(io.bluegreen.core.spec.StepParameters::field)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        java.util.Set<String> missing = new java.util.TreeSet<>(documented);
        missing.removeAll(byParameter);
        missing.removeIf(f -> structured.contains(f) || f.startsWith("analysis."));
        assertEquals(java.util.Set.of(), missing, "spec fields no step parameter sets");
        java.util.Set<String> undocumented = new java.util.TreeSet<>(byParameter);
        undocumented.removeAll(documented);
        assertEquals(java.util.Set.of(), undocumented, "step parameters that set no documented field");
        assertTrue(documented.size() > 30, "read the table: " + documented);
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
