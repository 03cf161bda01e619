package io.bluegreen.core.spec;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class StepParametersTest {
    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    public void flatNamesAreTheSpecFields() {
        assertEquals(List.of("tag"), StepParameters.path("tag"));
        assertEquals(List.of("health", "path"), StepParameters.path("healthPath"));
        assertEquals(List.of("verify", "maxFlipFailures"), StepParameters.path("verifyMaxFlipFailures"));
        assertEquals(List.of("router", "nginx", "upstreamFile"), StepParameters.path("nginxUpstreamFile"));
        assertEquals(List.of("router", "haproxy", "backendFile"), StepParameters.path("haproxyBackendFile"));
        assertEquals(List.of("containerPort"), StepParameters.path("containerPort"));
        assertEquals(List.of("build", "args"), StepParameters.path("buildArgs"));
    }

    @Test
    public void promotionManualIsShortForItsMode() {
        DeploymentSpec s = StepParameters.toSpec(Map.of(), null, params("service", "vote", "image", "127.0.0.1:5000/vote",
                "tag", "v2", "containerPort", 8080, "promotion", "manual", "promotionTimeout", "30m",
                "previewUrl", "http://127.0.0.1:18081/"), Path.of("/tmp"));
        assertTrue(s.promotion().manual());
        assertEquals("30m", s.promotion().timeout());
        assertEquals("http://127.0.0.1:18081/", s.previewUrl().orElseThrow().toString());
        assertEquals(List.of("router", "haproxy", "previewBackend"), StepParameters.path("haproxyPreviewBackend"));
    }

    /** Jenkins hands the parameters over in an order of its own: promotionTimeout may come first (found in Jenkins). */
    @Test
    public void promotionManualKeepsThePromotionFieldsSetBeforeIt() {
        DeploymentSpec s = StepParameters.toSpec(Map.of(), null, params("service", "vote", "image", "127.0.0.1:5000/vote",
                "tag", "v2", "containerPort", 8080, "promotionTimeout", "30m", "promotionAfter", "5m", "promotion",
                "manual"), Path.of("/tmp"));
        assertTrue(s.promotion().manual());
        assertEquals("30m", s.promotion().timeout());
        assertEquals("5m", s.promotion().after());
    }

    @Test
    public void parametersAloneMakeASpec() {
        DeploymentSpec s = StepParameters.toSpec(Map.of(), null, params("service", "vote", "image", "127.0.0.1:5000/vote",
                "tag", "v2", "containerPort", 8080, "replicas", 2, "healthPath", "/ready", "healthPasses", 2,
                "env", List.of("COLOR=blue", "EMPTY="), "lockWait", "5s", "nullIsLeftOut", null), Path.of("/tmp"));
        assertEquals("vote", s.service());
        assertEquals(2, s.replicas());
        assertEquals("/ready", s.health().path());
        assertEquals(2, s.health().passes());
        assertEquals(Map.of("COLOR", "blue", "EMPTY", ""), s.env());
        assertEquals(Duration.ofSeconds(5), s.lockWait());
    }

    @Test
    public void parametersOverrideTheSpecFileFieldByField() throws IOException {
        Path dir = Files.createTempDirectory("step-params");
        Path file = dir.resolve("bluegreen.yml");
        Files.writeString(file, """
                service: vote
                image: 127.0.0.1:5000/vote
                tag: v1
                containerPort: 8080
                health: { path: /health, passes: 3 }
                router: { type: none }
                """);
        DeploymentSpec s = StepParameters.toSpec(params("routerType", "nginx"), file,
                params("tag", "v2", "healthPasses", 1), dir);
        assertEquals("v2", s.tag());
        assertEquals("/health", s.health().path());
        assertEquals(1, s.health().passes());
        assertEquals("the file's router wins over the configured default", RouterSpec.Type.NONE, s.router().type());
    }

    @Test
    public void problemsNameTheSpecFieldAndAreCollectedAtOnce() {
        try {
            StepParameters.toSpec(Map.of(), null, params("service", "Vote!", "image", "127.0.0.1:5000/vote", "tag", "v1",
                    "containerPort", 8080, "healthPasses", 0, "env", List.of("NOEQUALS")), Path.of("/tmp"));
            fail("invalid parameters accepted");
        } catch (InvalidSpecException e) {
            assertEquals(List.of("env: 'NOEQUALS' is not NAME=VALUE"), e.problems());
        }
        try {
            StepParameters.toSpec(Map.of(), null, params("service", "Vote!", "image", "127.0.0.1:5000/vote", "tag", "v1",
                    "containerPort", 8080, "healthPasses", 0), Path.of("/tmp"));
            fail("invalid parameters accepted");
        } catch (InvalidSpecException e) {
            assertTrue(e.problems().toString(), e.problems().stream().anyMatch(p -> p.startsWith("service:")));
            assertTrue(e.problems().toString(), e.problems().stream().anyMatch(p -> p.startsWith("health.passes:")));
        }
    }

    @Test
    public void aSecretInAnEnvValueIsNotEchoed() {
        try {
            StepParameters.toSpec(Map.of(), null, params("env", List.of("=hunter2")), Path.of("/tmp"));
            fail("accepted");
        } catch (InvalidSpecException e) {
            assertTrue(e.getMessage(), !e.getMessage().contains("hunter2"));
        }
    }

    @Test
    public void oneFieldIsCheckedAloneForAForm() {
        assertEquals(List.of(), StepParameters.problems("service", "vote"));
        assertEquals(List.of(), StepParameters.problems("routerType", "none"));
        List<String> bad = StepParameters.problems("service", "Vote_1");
        assertEquals(1, bad.size());
        assertTrue(bad.get(0), bad.get(0).startsWith("service: "));
        assertEquals(1, StepParameters.problems("tag", "-x").size());
        assertEquals(1, StepParameters.problems("routerType", "traefik").size());
        assertEquals(1, StepParameters.problems("healthInterval", "soon").size());
    }
}
