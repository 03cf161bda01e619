package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.RequestSignatures;
import io.bluegreen.core.it.Stack;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * bin/bluegreen's incident path (`rollback -s S` through BLUEGREEN_HEAL_URL): once its request has reached a heal server,
 * a lost answer never makes it roll back a second time here, since the server may have flipped already; and the request
 * carries the state's index the person saw, so a retry is refused by the server rather than done twice; it is signed
 * as the server checks, and never carries the secret.
 */
public class LauncherRollbackTest {
    private static final String SECRET = "0123456789abcdef-secret";

    /** The request the dropping server read last. */
    private static final java.util.concurrent.atomic.AtomicReference<String> LAST = new java.util.concurrent.atomic.AtomicReference<>("");

    /** A "heal server" that reads the request, then drops the connection unanswered (a restart, a proxy timeout). */
    private static ServerSocket dropping() throws Exception {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                StringBuilder request = new StringBuilder();
                while (!request.toString().contains("\r\n\r\n")) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    request.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
                LAST.set(request.toString());
            } catch (Exception ignored) {
                // the test's own assertions say what went wrong
            }
        }, "dropping-heal-server");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static String[] launch(int port, String... args) throws Exception {
        String[] argv = new String[args.length + 1];
        argv[0] = Stack.ROOT.resolve("bin/bluegreen").toString();
        System.arraycopy(args, 0, argv, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("BLUEGREEN_HEAL_URL", "http://127.0.0.1:" + port);
        pb.environment().put("BLUEGREEN_HEAL_SECRET", SECRET);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("the launcher did not end within 60 s", p.waitFor(60, TimeUnit.SECONDS));
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    /** The launcher's HMAC (bash and sha256sum) is the one RequestSignatures takes; the secret itself never travels. */
    private static void assertSignedInBashAsTheServerChecks(String request, String index) {
        assertFalse(request, request.contains(SECRET));
        assertFalse(request, request.contains("X-Bluegreen-Token"));
        String target = request.substring("POST ".length(), request.indexOf(" HTTP/1.1\r\n"));
        Matcher signature = Pattern.compile("\r\nX-Bluegreen-Signature: ([^\r]*)\r\n").matcher(request);
        assertTrue(request, signature.find());
        assertEquals(Optional.empty(), new RequestSignatures(Clock.systemUTC()).refusal(new Secret(SECRET), signature.group(1),
                "POST", target, index, new byte[0]));
        assertTrue(new RequestSignatures(Clock.systemUTC()).refusal(new Secret(SECRET + "x"), signature.group(1), "POST", target,
                index, new byte[0]).isPresent());
    }

    @Test
    public void aLostAnswerExitsFourAndRollsNothingBackHere() throws Exception {
        String service = Stack.uniqueService("launcher");
        Stack.put(Stack.consul() + "/v1/kv/bluegreen/" + service + "/state", "{}");
        try {
            String index = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(Stack.consul() + "/v1/kv/bluegreen/" + service + "/state")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).headers().firstValue("X-Consul-Index").orElseThrow();
            for (String[] args : new String[][] {{"rollback", "-s", service}, {"rollback", "--json", "-s", service}}) {
                try (ServerSocket server = dropping()) {
                    String[] r = launch(server.getLocalPort(), args);
                    assertEquals(r[1], "4", r[0]);
                    assertTrue(r[1], r[1].contains("was sent but its answer was lost"));
                    assertTrue(r[1], r[1].contains("`bin/bluegreen status -s " + service + "`"));
                    assertFalse(r[1], r[1].contains("rolling back here"));
                    assertFalse("the secret is never printed", r[1].contains(SECRET));
                    // What the person saw travels with the request: the server refuses it once the state moved on.
                    assertTrue(LAST.get(), LAST.get().contains("X-Consul-Index: " + index + "\r\n"));
                    assertSignedInBashAsTheServerChecks(LAST.get(), index);
                }
            }
        } finally {
            Stack.cleanUp(Stack.shared().systems(), service);
        }
    }
}
