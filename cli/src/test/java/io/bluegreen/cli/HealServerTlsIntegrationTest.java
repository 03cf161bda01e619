package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.it.ServiceUnderTest;
import io.bluegreen.core.it.Stack;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The heal server over TLS (a PEM pair made by openssl, a PKCS#12 file made by the JDK's keytool), its read-only pages on
 * a listener of their own, and bin/bluegreen's signed rollback through HTTPS; and the refusals that keep a bad
 * certificate or a plain-HTTP listener on the network from starting at all.
 */
public class HealServerTlsIntegrationTest {
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("tls");
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final String secret = "tls-secret-" + UUID.randomUUID();

    private static String exec(Path dir, String... argv) throws Exception {
        return exec(dir, Map.of(), argv);
    }

    private static String exec(Path dir, Map<String, String> env, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", argv) + " did not end", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(String.join(" ", argv) + ": " + out, 0, p.exitValue());
        return out;
    }

    /** A self-signed EC certificate for 127.0.0.1 and its PKCS#8 key, as `openssl req` writes them. */
    private static void pemPair(Path dir, String cert, String key) throws Exception {
        exec(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
    }

    private static HttpClient trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("heal", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static int port(CliRun server, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(server.out());
        assertTrue(server.out(), m.find());
        return Integer.parseInt(m.group(1));
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(Stack.env());
        env.put("BLUEGREEN_HEAL_SECRET", secret);
        return env;
    }

    @Test
    public void servesHttpsWithItsPagesApartAndTakesTheLaunchersSignedRollback() throws Exception {
        Path dir = tmp.getRoot().toPath();
        pemPair(dir, "cert.pem", "key.pem");
        try (CliRun server = CliRun.background(env(), "listening on", "heal-server", "--listen", "127.0.0.1:0", "--metrics-listen",
                "127.0.0.1:0", "--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString(),
                "-s", svc.name(), "--grace", "0s")) {
            int door = port(server, "listening on 127\\.0\\.0\\.1:(\\d+) \\(https\\)");
            int pages = port(server, "metrics at https://127\\.0\\.0\\.1:(\\d+)/metrics");
            assertTrue(door != pages);
            HttpClient https = trusting(dir.resolve("cert.pem"));
            HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + pages + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(metrics.body(), 200, metrics.statusCode());
            assertTrue(metrics.body(), metrics.body().contains("bluegreen_"));
            assertEquals("the pages are not on the door", 404, https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + door
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals("the door is not on the pages' listener", 404, https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + pages + "/v1/rollback/" + svc.name())).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            try {
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + door + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                throw new AssertionError("plain HTTP was answered on the TLS listener");
            } catch (IOException expected) {
                // a TLS listener does not speak plain HTTP
            }

            // bin/bluegreen through HTTPS, checked against the certificate: signed, taken, refused only because nothing
            // was deployed (and never rolled back here instead).
            ProcessBuilder pb = new ProcessBuilder(Stack.ROOT.resolve("bin/bluegreen").toString(), "rollback", "-s", svc.name())
                    .redirectErrorStream(true);
            pb.environment().putAll(env());
            pb.environment().put("BLUEGREEN_HEAL_URL", "https://127.0.0.1:" + door);
            pb.environment().put("BLUEGREEN_HEAL_CACERT", dir.resolve("cert.pem").toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(out, 1, p.exitValue());
            assertTrue(out, out.contains("nothing was ever deployed"));
            assertFalse(out, out.contains("rolling back here"));
            assertTrue(server.out(), server.out().contains("POST /v1/rollback/" + svc.name() + " from 127.0.0.1 -> 409"));
        }
    }

    @Test
    public void servesAPkcs12FileOpenedWithThePasswordFromTheEnvironment() throws Exception {
        Path dir = tmp.getRoot().toPath();
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String password = "p12-" + UUID.randomUUID();
        // keytool and the server both read the password from their environment, never from a command line.
        exec(dir, Map.of("P12", password), keytool, "-genkeypair", "-keystore", "heal.p12", "-storetype", "PKCS12", "-alias", "heal",
                "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storepass:env", "P12");
        exec(dir, Map.of("P12", password), keytool, "-exportcert", "-rfc", "-keystore", "heal.p12", "-alias", "heal", "-file",
                "heal.pem", "-storepass:env", "P12");
        Map<String, String> env = env();
        String[] args = {"heal-server", "--listen", "127.0.0.1:0", "--tls-cert", dir.resolve("heal.p12").toString(), "-s", svc.name()};
        env.put("BLUEGREEN_TLS_PASSWORD", password + "x");
        CliRun wrong = CliRun.run(env, "", args);
        assertEquals(wrong.all(), 2, wrong.exit());
        assertTrue(wrong.all(), wrong.err().contains("--tls-cert: ") && wrong.err().contains("BLUEGREEN_TLS_PASSWORD"));
        assertFalse(wrong.all(), wrong.all().contains(password));
        env.put("BLUEGREEN_TLS_PASSWORD", password);
        try (CliRun server = CliRun.background(env, "listening on", args)) {
            int door = port(server, "listening on 127\\.0\\.0\\.1:(\\d+) \\(https\\)");
            HttpResponse<String> metrics = trusting(dir.resolve("heal.pem")).send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + door + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("one listener serves the pages too", 200, metrics.statusCode());
            assertFalse(server.all(), server.all().contains(password));
        }
    }

    @Test
    public void refusesABadIdentityOrAPlainListenerOnTheNetworkBeforeListening() throws Exception {
        Path dir = tmp.getRoot().toPath();
        pemPair(dir, "cert.pem", "key.pem");
        pemPair(dir, "other.pem", "other-key.pem");
        exec(dir, "openssl", "genrsa", "-traditional", "-out", "pkcs1.pem", "2048");
        Files.writeString(dir.resolve("not-a-cert.pem"), "hello\n");
        String cert = dir.resolve("cert.pem").toString();
        for (List<String> c : List.of(
                List.of("--tls-key: " + dir.resolve("other-key.pem") + " is not the private key of the certificate",
                        "--tls-cert", cert, "--tls-key", dir.resolve("other-key.pem").toString()),
                List.of("convert it with `openssl pkcs8 -topk8 -nocrypt", "--tls-cert", cert, "--tls-key", dir.resolve("pkcs1.pem").toString()),
                List.of("--tls-key: needs --tls-cert", "--tls-key", dir.resolve("key.pem").toString()),
                List.of("--tls-cert: " + dir.resolve("cert.pem") + " is PEM: give its private key with --tls-key", "--tls-cert", cert),
                List.of("--tls-cert: " + dir.resolve("not-a-cert.pem") + " is not a PEM certificate chain", "--tls-cert",
                        dir.resolve("not-a-cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString()),
                List.of("--tls-cert: cannot read", "--tls-cert", dir.resolve("missing.pem").toString(), "--tls-key",
                        dir.resolve("key.pem").toString()),
                List.of("--metrics-listen: 0.0.0.0 is not a loopback address and there is no --tls-cert", "--metrics-listen",
                        "0.0.0.0:0"))) {
            List<String> args = new java.util.ArrayList<>(List.of("heal-server", "--listen", "127.0.0.1:0", "-s", svc.name()));
            args.addAll(c.subList(1, c.size()));
            CliRun r = CliRun.run(env(), "", args.toArray(String[]::new));
            assertEquals(r.all(), 2, r.exit());
            assertTrue(c.get(0) + "\n" + r.all(), r.err().contains(c.get(0)));
            assertFalse("nothing listened", r.out().contains("listening on"));
            for (String keyFile : List.of("key.pem", "other-key.pem", "pkcs1.pem")) {
                Files.readAllLines(dir.resolve(keyFile)).stream().filter(l -> !l.startsWith("-----"))
                        .forEach(l -> assertFalse("a key's bytes were printed", r.all().contains(l)));
            }
        }
        CliRun open = CliRun.run(env(), "", "heal-server", "--listen", "0.0.0.0:8765", "-s", svc.name());
        assertEquals(open.all(), 2, open.exit());
        assertTrue(open.all(), open.err().contains("--listen: 0.0.0.0 is not a loopback address and there is no --tls-cert"));
    }
}
