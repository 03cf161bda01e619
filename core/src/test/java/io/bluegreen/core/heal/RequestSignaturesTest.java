package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Secret;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.Test;

public class RequestSignaturesTest {
    private static final Secret SECRET = new Secret("0123456789abcdef-heal");
    private static final long NOW = 1_765_000_000L;
    private static final byte[] NO_BODY = new byte[0];
    private final RequestSignatures signatures = new RequestSignatures(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    private Optional<String> check(String header, String target, String index) {
        return signatures.refusal(SECRET, header, "POST", target, index, NO_BODY);
    }

    @Test
    public void aSignedRequestIsTakenOnceOnly() {
        String header = RequestSignatures.sign(SECRET, "POST", "/v1/rollback/vote", NOW, "42", NO_BODY);
        assertEquals(Optional.empty(), check(header, "/v1/rollback/vote", "42"));
        assertTrue(check(header, "/v1/rollback/vote", "42").orElseThrow().contains("already used"));
    }

    /** The text bin/bluegreen signs in bash: a change here breaks every launcher in the field. */
    @Test
    public void signsTheTextTheLauncherSigns() {
        // The same as `openssl dgst -sha256 -hmac 0123456789abcdef-heal` of that text.
        assertEquals("t=1765000000,v1=2c06afa6f944bc3db67e04b08c03e74ac683c8f04c94a4d8caaf01427dfbb3a9",
                RequestSignatures.sign(SECRET, "POST", "/v1/rollback/vote?format=json", NOW, "7", NO_BODY));
        assertEquals("bluegreen-v1\nPOST\n/v1/rollback/vote?format=json\n1765000000\n7\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                RequestSignatures.message("POST", "/v1/rollback/vote?format=json", NOW, " 7 ", NO_BODY));
    }

    @Test
    public void refusesAChangedTargetIndexBodyOrSecret() {
        String header = RequestSignatures.sign(SECRET, "POST", "/v1/rollback/vote", NOW, "42", NO_BODY);
        assertTrue(check(header, "/v1/rollback/api", "42").orElseThrow().startsWith("wrong X-Bluegreen-Signature"));
        assertTrue(check(header, "/v1/rollback/vote", "43").orElseThrow().startsWith("wrong X-Bluegreen-Signature"));
        assertTrue(check(header, "/v1/rollback/vote", null).orElseThrow().startsWith("wrong X-Bluegreen-Signature"));
        assertTrue(signatures.refusal(SECRET, header, "POST", "/v1/rollback/vote", "42", new byte[] {1}).orElseThrow()
                .startsWith("wrong"));
        assertTrue(signatures.refusal(new Secret("another-secret-0123"), header, "POST", "/v1/rollback/vote", "42", NO_BODY)
                .orElseThrow().startsWith("wrong"));
        assertEquals("the refusals above did not use it up", Optional.empty(), check(header, "/v1/rollback/vote", "42"));
    }

    @Test
    public void takesThirtySecondsEitherWayAndNoMore() {
        for (long skew : new long[] {-30, 30}) {
            assertEquals(Optional.empty(), check(RequestSignatures.sign(SECRET, "POST", "/t", NOW + skew, null, NO_BODY), "/t", null));
        }
        for (long skew : new long[] {-31, 31, -NOW}) {
            String refusal = check(RequestSignatures.sign(SECRET, "POST", "/t", NOW + skew, null, NO_BODY), "/t", null).orElseThrow();
            assertTrue(refusal, refusal.contains("more than 30 s apart"));
        }
    }

    @Test
    public void refusesMissingAndMalformedHeadersWithoutEchoingThem() {
        assertTrue(check(null, "/t", null).orElseThrow().startsWith("no X-Bluegreen-Signature header"));
        for (String bad : new String[] {"", "t=1,v1=zz", "t=" + NOW + ",v1=" + "A".repeat(64), "v1=" + "a".repeat(64) + ",t=" + NOW,
            "t=99999999999999,v1=" + "a".repeat(64), "t=" + NOW + ",v1=" + "a".repeat(65)}) {
            String refusal = check(bad, "/t", null).orElseThrow();
            assertEquals(bad, "X-Bluegreen-Signature is not t=SECONDS,v1=HMAC-SHA256-HEX", refusal);
        }
    }
}
