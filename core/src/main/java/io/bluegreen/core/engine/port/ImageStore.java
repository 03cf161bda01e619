package io.bluegreen.core.engine.port;

import io.bluegreen.core.spec.BuildSpec;

/** Builds, pushes and pulls images; answers with the digest that identifies exactly what runs. */
public interface ImageStore {
    void ping();

    /** Checks the registry serving {@code repository} answers (any HTTP answer counts). */
    void pingRegistry(String repository);

    /** Builds {@code imageRef} and returns its image ID. */
    String build(BuildSpec build, String imageRef, EventSink events);

    /** Pushes {@code imageRef} and returns its registry digest ({@code sha256:...}). */
    String push(String imageRef, EventSink events);

    /** Makes {@code imageRef} present on the cluster (pulling it if missing); returns its digest or image ID. */
    String ensurePresent(String imageRef, EventSink events);
}
