package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof a request to the heal server's rollback door carries in {@value #HEADER}: {@code t=SECONDS,v1=HEX}, an
 * HMAC-SHA256 with the server's secret over the method, the path with its query, the time, the {@code X-Consul-Index}
 * the caller saw and the body's SHA-256 (so none of them can be changed on the way), accepted within
 * {@link #WINDOW} of this server's clock and once only (a captured request cannot be sent again). {@code bin/bluegreen}
 * computes the same in bash ({@link #message} is the text both sign).
 */
public final class RequestSignatures {
    public static final String HEADER = "X-Bluegreen-Signature";
    public static final Duration WINDOW = Duration.ofSeconds(30);
    /** Signatures remembered at once: more valid ones than this within a window (each needs the secret) are refused. */
    static final int MAX_REMEMBERED = 10_000;
    private static final Pattern FORMAT = Pattern.compile("t=(\\d{1,12}),v1=([0-9a-f]{64})");
    private final Clock clock;
    /** Signatures accepted, each until its time leaves the window (then its time alone refuses it). */
    private final Map<String, Long> accepted = new HashMap<>();

    public RequestSignatures(Clock clock) {
        this.clock = clock;
    }

    /** What is signed, one field per line; a missing index is an empty line. */
    static String message(String method, String target, long seconds, String consulIndex, byte[] body) {
        return "bluegreen-v1\n" + method + "\n" + target + "\n" + seconds + "\n" + (consulIndex == null ? "" : consulIndex.strip())
                + "\n" + HexFormat.of().formatHex(sha256(body));
    }

    /** The header's value for a request signed at {@code seconds} (what a client in Java sends; tests use it). */
    public static String sign(Secret secret, String method, String target, long seconds, String consulIndex, byte[] body) {
        return "t=" + seconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, message(method, target, seconds, consulIndex, body)));
    }

    /**
     * Empty when {@code header} proves the request (and it is remembered), else why not, without echoing what was
     * sent: no header, not the format, outside the window (a clock apart, or an old capture), not the secret's, or
     * a signature already used.
     */
    public synchronized Optional<String> refusal(Secret secret, String header, String method, String target, String consulIndex,
                                                 byte[] body) {
        if (header == null) {
            return Optional.of("no " + HEADER + " header (bin/bluegreen signs its requests with the heal secret)");
        }
        Matcher m = FORMAT.matcher(header.strip());
        if (!m.matches()) {
            return Optional.of(HEADER + " is not t=SECONDS,v1=HMAC-SHA256-HEX");
        }
        long seconds = Long.parseLong(m.group(1));
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > WINDOW.toSeconds()) {
            return Optional.of(HEADER + " was made " + (now - seconds) + " s from this server's clock (more than "
                    + WINDOW.toSeconds() + " s apart: an old request, or a clock to set right)");
        }
        byte[] presented = HexFormat.of().parseHex(m.group(2));
        if (!MessageDigest.isEqual(presented, hmac(secret, message(method, target, seconds, consulIndex, body)))) {
            return Optional.of("wrong " + HEADER + " (another secret, or the request changed on the way)");
        }
        accepted.values().removeIf(t -> Math.abs(now - t) > WINDOW.toSeconds());
        if (accepted.containsKey(m.group(2))) {
            return Optional.of(HEADER + " already used: a request is done once (send a new one)");
        }
        if (accepted.size() >= MAX_REMEMBERED) {
            return Optional.of("more than " + MAX_REMEMBERED + " signed requests within " + WINDOW.toSeconds() + " s: try again");
        }
        accepted.put(m.group(2), seconds);
        return Optional.empty();
    }

    private static byte[] hmac(Secret secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
