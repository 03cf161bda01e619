package io.bluegreen.core.consul.format;

import io.bluegreen.core.engine.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 over an envelope's signed text, with the key deployers and heal servers share; none without a key. */
final class Signer {
    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "hmac-sha256:";
    private final Optional<SecretKeySpec> key;

    Signer(Optional<Secret> key) {
        this.key = key.map(k -> new SecretKeySpec(k.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM));
    }

    boolean signs() {
        return key.isPresent();
    }

    /** The MAC of {@code text}; only called when {@link #signs()}. */
    String mac(String text) {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw(text));
    }

    /** Whether {@code mac} is this key's MAC of {@code text}, compared in constant time. */
    boolean verifies(String text, String mac) {
        if (mac == null || !mac.startsWith(PREFIX)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(mac.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(raw(text), given);
    }

    private byte[] raw(String text) {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(key.orElseThrow());
            return m.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        }
    }
}
