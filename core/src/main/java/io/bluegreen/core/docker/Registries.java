package io.bluegreen.core.docker;

import java.util.Optional;

/** Reads the registry host out of an image reference the way Docker does. */
public final class Registries {
    private Registries() {
    }

    /** {@code 127.0.0.1:5000/vote:v1} → {@code 127.0.0.1:5000}; {@code library/vote} → empty (Docker's default registry). */
    public static Optional<String> hostOf(String imageRef) {
        int slash = imageRef.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String first = imageRef.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? Optional.of(first) : Optional.empty();
    }

    /** Docker allows plain HTTP to loopback registries; every other one speaks HTTPS. */
    public static boolean isLoopback(String host) {
        String h = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]");
    }

    /** Splits {@code repo:tag} (the tag is after the last colon that follows the last slash). */
    public static String[] splitTag(String imageRef) {
        int colon = imageRef.lastIndexOf(':');
        if (colon < 0 || colon < imageRef.lastIndexOf('/')) {
            return new String[] {imageRef, "latest"};
        }
        return new String[] {imageRef.substring(0, colon), imageRef.substring(colon + 1)};
    }
}
