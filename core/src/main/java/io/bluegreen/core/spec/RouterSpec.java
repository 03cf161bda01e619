package io.bluegreen.core.spec;

import java.nio.file.Path;
import java.util.Optional;

/** Which proxy the flip drives; {@code nginx} is present exactly when {@code type} is NGINX. */
public record RouterSpec(Type type, Optional<Nginx> nginx) {

    public enum Type { NGINX, NONE }

    /** The tool owns {@code upstreamFile}; {@code configFile} is the whole config it checks and reloads. */
    public record Nginx(Path upstreamFile, Path configFile, String binary) {
    }
}
