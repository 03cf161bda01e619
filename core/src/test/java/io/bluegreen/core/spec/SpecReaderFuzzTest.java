package io.bluegreen.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A spec file as anyone could write it (YAML, so JSON too), through what {@link SpecReader#read} does: a valid spec,
 * or {@link InvalidSpecException} whose every problem is a line of its own; nothing else escapes it.
 */
class SpecReaderFuzzTest {
    /** An empty folder: relative paths in a fuzzed spec resolve to nothing, so none of them depends on this machine. */
    private static final Path BASE = emptyFolder();

    private static Path emptyFolder() {
        try {
            Path p = Files.createTempDirectory("spec-fuzz");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void read(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        DeploymentSpec spec;
        try {
            spec = SpecReader.fromTree(SpecReader.parseYaml(text, "fuzz.yml"), BASE, Map.of());
        } catch (InvalidSpecException e) {
            assertFalse(e.problems().isEmpty(), e.getMessage());
            e.problems().forEach(p -> assertFalse(p.isBlank() || p.contains("\n"), e.getMessage()));
            return;
        }
        assertNotNull(spec);
        assertTrue(SpecReader.SERVICE.matcher(spec.service()).matches(), spec.service());
        assertTrue(SpecReader.TAG.matcher(spec.tag()).matches(), spec.tag());
        assertEquals(spec, SpecReader.fromTree(SpecReader.parseYaml(text, "fuzz.yml"), BASE, Map.of()), "the same text reads the same");
    }
}
