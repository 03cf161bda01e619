package io.bluegreen.core.engine;

/** Receives every {@link DeployEvent}; the CLI prints them, the Jenkins step writes them to the build log. */
@FunctionalInterface
public interface DeployListener {
    void on(DeployEvent event);
}
