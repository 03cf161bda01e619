package io.bluegreen.core.spec;

import java.nio.file.Path;
import java.util.Map;

/** Build the image from {@code context} (an existing folder) with {@code dockerfile} inside it. */
public record BuildSpec(Path context, String dockerfile, Map<String, String> args) {
}
