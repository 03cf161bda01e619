package io.bluegreen.core.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.engine.fake.World;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Raw bytes from anyone who can reach the heal server, over a socket: a fuzzed request line, headers, framing
 * (Content-Length, true or not, chunked, none) and body, to a real {@link HealServer} whose one worker heals a world of
 * fakes. Each request is answered within {@link #ANSWER_WITHIN} with a status of {@link #ANSWERS}; only a request whose
 * framing is broken (a body shorter than it said, a bad chunk) may get the connection closed instead. After every
 * request the server still answers a well-formed one.
 */
class HealServerFuzzTest {
    private static final Secret SECRET = new Secret("fuzz-secret-0123456789");
    private static final Set<Integer> ANSWERS = Set.of(200, 202, 400, 401, 404, 405, 409, 411, 413, 500, 501, 503, 505);
    private static final int ANSWER_WITHIN_MS = 5000;
    private static final Duration ANSWER_WITHIN = Duration.ofMillis(ANSWER_WITHIN_MS);
    /**
     * A body the server reads (a watch POST with the secret) may go past the payload limit; any other stays under what
     * the JDK's server drains after answering (64 KiB), past which it resets the connection under a client still writing.
     */
    private static final int MAX_READ_BODY = WatchPayloads.MAX_BYTES + 1024;
    private static final int MAX_UNREAD_BODY = 32 * 1024;
    private static final String[] METHODS = {"POST", "GET", "HEAD", "PUT", "OPTIONS"};
    private static final String[] TARGETS = {"/v1/heal/vote", "/v1/heal/web", "/v1/rollback/vote",
        "/v1/rollback/vote?format=json", "/", "*", "http://127.0.0.1/v1/heal/vote", "/v1/heal/", "/v1/heal/vote/../vote"};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 x", ""};
    private static final AtomicLong NEWEST = new AtomicLong();
    private static final AtomicLong NEXT_INDEX = new AtomicLong(1);
    private static HealServer server;

    private enum Token { RIGHT, WRONG, NONE }

    private enum Framing { LENGTH, CHUNKED, NONE, SHORT_BODY, BAD_CHUNK }

    @BeforeAll
    static void start() throws IOException {
        World world = new World("vote", false);
        Healer healer = new Healer(world.systems(), new HealSettings(Duration.ZERO, 3, Duration.ofMinutes(10),
                Duration.ofSeconds(1), Optional.empty()), e -> { });
        HealWorker worker = new HealWorker("vote", world.systems(), healer, line -> { });
        WatchReceiver receiver = new WatchReceiver(Map.of("vote", worker),
                (service, index) -> NEWEST.getAndAccumulate(index, Math::max) < index, new Redactor(List.of()));
        server = HealServer.start(HealServer.Listeners.plain(new InetSocketAddress("127.0.0.1", 0)), SECRET, receiver, line -> { },
                Optional.empty());
    }

    @AfterAll
    static void stop() {
        server.close(Duration.ofSeconds(1));
    }

    @FuzzTest(maxDuration = "60s")
    void request(FuzzedDataProvider data) throws IOException {
        // Jazzer's SSRF detector refuses every connection the test did not say it makes: this one, to the server only.
        try (SilentCloseable toTheServer = BugDetectors.allowNetworkConnections(
                (host, port) -> port == server.address().getPort())) {
            requestAndAfter(data);
        }
    }

    private static void requestAndAfter(FuzzedDataProvider data) throws IOException {
        String method = data.consumeBoolean() ? data.pickValue(METHODS) : line(data, 12);
        String target = data.consumeBoolean() ? data.pickValue(TARGETS) : line(data, 200);
        String version = data.pickValue(VERSIONS);
        Token token = data.pickValue(Token.values());
        Framing framing = data.pickValue(Framing.values());
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version).append("\r\n");
        switch (token) {
            case RIGHT -> head.append(WatchGate.TOKEN_HEADER).append(": ").append(SECRET.reveal()).append("\r\n");
            case WRONG -> head.append(WatchGate.TOKEN_HEADER).append(": ").append(line(data, 40)).append("\r\n");
            case NONE -> { }
        }
        if (data.consumeBoolean()) {
            head.append("X-Consul-Index: ").append(data.consumeBoolean() ? Long.toString(NEXT_INDEX.getAndIncrement())
                    : line(data, 24)).append("\r\n");
        }
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            head.append(line(data, 100)).append("\r\n");
        }
        boolean readsBody = method.equals("POST") && target.equals("/v1/heal/vote") && token == Token.RIGHT;
        byte[] body = body(data, readsBody ? MAX_READ_BODY : MAX_UNREAD_BODY);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        switch (framing) {
            case LENGTH -> head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            case SHORT_BODY -> head.append("Content-Length: ").append(body.length + 1 + data.consumeInt(0, 1 << 20)).append("\r\n\r\n");
            case NONE -> head.append("\r\n");
            case CHUNKED, BAD_CHUNK -> head.append("Transfer-Encoding: chunked\r\n\r\n");
        }
        request.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        switch (framing) {
            case LENGTH, SHORT_BODY, NONE -> request.writeBytes(body);
            case CHUNKED -> chunked(request, body, data.consumeInt(1, 4096));
            case BAD_CHUNK -> request.writeBytes((line(data, 10) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        boolean brokenFraming = framing == Framing.SHORT_BODY || framing == Framing.BAD_CHUNK;
        OptionalInt status = send(request.toByteArray());
        if (status.isPresent()) {
            assertTrue(ANSWERS.contains(status.getAsInt()), "answered " + status.getAsInt() + " to " + head);
        } else if (!brokenFraming && !pathless(method + " " + target + " " + version)) {
            fail("closed without an answer to a well-framed request: " + head);
        }
        assertEquals(OptionalInt.of(405), send("GET /v1/heal/vote HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
                "a well-formed request after " + head);
    }

    /**
     * Whether the target, as the JDK's server splits the request line, is a URI without a path ({@code java:x}): the
     * server finds no context for it and closes the connection before any handler of ours sees the request.
     */
    private static boolean pathless(String requestLine) {
        String[] parts = requestLine.split(" ", 3);
        try {
            return parts.length == 3 && new URI(parts[1]).getRawPath() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Up to {@code max} printable ASCII characters and tabs: one line of a request, whatever it holds. */
    private static String line(FuzzedDataProvider data, int max) {
        return data.consumeAsciiString(max).replace('\r', ' ').replace('\n', ' ');
    }

    /** Fuzzed bytes repeated up to {@code max} in all, so bodies past the payload limit are reached from short inputs. */
    private static byte[] body(FuzzedDataProvider data, int max) {
        byte[] unit = data.consumeBytes(4096);
        if (unit.length == 0) {
            return unit;
        }
        int copies = data.consumeInt(1, Math.max(1, max / unit.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < copies; i++) {
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    private static void chunked(ByteArrayOutputStream out, byte[] body, int size) {
        for (int at = 0; at < body.length; at += size) {
            int n = Math.min(size, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends {@code request}, ends the writing side, returns the answer's status; empty when closed without one. */
    private static OptionalInt send(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server.address(), ANSWER_WITHIN_MS);
            s.setSoTimeout(ANSWER_WITHIN_MS);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            s.shutdownOutput();
            return status(s.getInputStream());
        } catch (SocketTimeoutException e) {
            return fail("no answer within " + ANSWER_WITHIN);
        }
    }

    private static OptionalInt status(InputStream in) throws IOException {
        StringBuilder first = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n' && first.length() < 200; c = in.read()) {
            first.append((char) c);
        }
        if (first.length() == 0) {
            return OptionalInt.empty();
        }
        String[] parts = first.toString().split(" ", 3);
        assertTrue(parts.length >= 2 && parts[0].startsWith("HTTP/1.") && parts[1].matches("[0-9]{3}"), "status line " + first);
        return OptionalInt.of(Integer.parseInt(parts[1]));
    }
}
