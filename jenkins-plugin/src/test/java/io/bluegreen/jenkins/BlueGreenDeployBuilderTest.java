package io.bluegreen.jenkins;

import static org.junit.Assert.assertEquals;

import hudson.model.FreeStyleProject;
import hudson.util.FormValidation;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

public class BlueGreenDeployBuilderTest {
    @Rule
    public JenkinsRule j = new JenkinsRule();

    @Test
    public void theFormKeepsEveryField() throws Exception {
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
    public void formValidationIsCoresValidation() {
        BlueGreenDeployBuilder.DescriptorImpl d = j.jenkins.getDescriptorByType(BlueGreenDeployBuilder.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, d.doCheckService("vote").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckService("Vote!").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckTag("-v2").kind);
        assertEquals("a build variable is checked when the build expands it", FormValidation.Kind.OK, d.doCheckTag("${TAG}").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckImage("127.0.0.1:5000/Vote:v2").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckSpecFile("").kind);
    }
}
