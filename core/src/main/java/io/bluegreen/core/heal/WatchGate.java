package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BiPredicate;

/**
 * The checks every receiver of Consul's watch POSTs makes (the heal server, the Jenkins plugin's endpoint):
 * the secret compared in constant time, then a bounded body, a numeric {@code X-Consul-Index} and a valid payload;
 * an index already handled is answered 200 with nothing to do. Each refusal carries the HTTP status to answer.
 */
public final class WatchGate {
    public static final String TOKEN_HEADER = "X-Bluegreen-Token";

    private WatchGate() {
    }

    /** The gate's verdict: {@code status} 202 with the payload and its index when admitted, else the refusal. */
    public record Answer(int status, String message, long index, WatchPayload payload) {
        public boolean admitted() {
            return payload != null;
        }
    }

    /** Constant time in the value and in its length (both sides are hashed first); a missing token never matches. */
    public static boolean tokenMatches(String presented, Secret expected) {
        return presented != null && MessageDigest.isEqual(RequestSignatures.sha256(presented.getBytes(StandardCharsets.UTF_8)),
                RequestSignatures.sha256(expected.reveal().getBytes(StandardCharsets.UTF_8)));
    }

    /** Why a token was refused, without echoing it. */
    public static String refusal(String presented) {
        return presented == null ? "no " + TOKEN_HEADER + " header" : "wrong " + TOKEN_HEADER;
    }

    /** At most {@link WatchPayloads#MAX_BYTES} + 1 bytes: enough to tell an oversized body without reading it all. */
    public static byte[] readBody(InputStream in) throws IOException {
        return in.readNBytes(WatchPayloads.MAX_BYTES + 1);
    }

    /**
     * After authentication: the body (from {@link #readBody}), the index header, the payload, then whether the index
     * is new ({@code accept}: {@link WatchIndexes#accept}, asked last, so a refused request is not remembered).
     */
    public static Answer admit(String service, byte[] body, String indexHeader, BiPredicate<String, Long> accept) {
        if (body.length > WatchPayloads.MAX_BYTES) {
            return new Answer(413, "body larger than " + WatchPayloads.MAX_BYTES + " bytes", 0, null);
        }
        long index;
        try {
            index = Long.parseLong(indexHeader == null ? "" : indexHeader.strip());
        } catch (NumberFormatException e) {
            return new Answer(400, "no numeric X-Consul-Index header (Consul sends one with each watch invocation)", 0, null);
        }
        WatchPayload payload;
        try {
            payload = WatchPayloads.parse(new String(body, StandardCharsets.UTF_8), service);
        } catch (InvalidSpecException e) {
            return new Answer(400, e.getMessage(), index, null);
        }
        if (!accept.test(service, index)) {
            return new Answer(200, "index " + index + " already handled: nothing new (Consul fires again on an agent reload)", index,
                    null);
        }
        return new Answer(202, "index " + index + ", " + payload.type() + " payload, " + payload.critical() + " critical", index, payload);
    }
}
