package io.bluegreen.core.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for Jenkins (which cannot run on these machines), speaking the part of its documented remote
 * API a hand-off uses: {@code GET /crumbIssuer/api/json} (a session-bound crumb, or 404 with CSRF
 * protection off), {@code POST /job/.../buildWithParameters} with Basic auth and the crumb header, answering
 * 201 with a {@code Location} of the queue item. It is the only stub in the tests: it stands for Jenkins,
 * never for Docker, Consul or a proxy.
 */
public final class StubJenkins implements AutoCloseable {
    public static final String CRUMB_FIELD = "Jenkins-Crumb";
    public static final String CRUMB = "5f0e1d2c3b4a69788796a5b4c3d2e1f0";
    private static final String SESSION = "JSESSIONID.stub=node0abc";
    private final HttpServer server;
    private final String jobPath;
    private final String authorization;
    private final boolean csrf;
    private final List<Build> builds = new CopyOnWriteArrayList<>();

    /** One build request as Jenkins received it. */
    public record Build(String path, Map<String, String> params, String crumb, String authorization) {
    }

    /** {@code jobPath} as Jenkins routes it, e.g. {@code /job/ops/job/heal-vote}. */
    public StubJenkins(String jobPath, String user, String token, boolean csrf) throws IOException {
        this.jobPath = jobPath;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
        this.csrf = csrf;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Build> builds() {
        return List.copyOf(builds);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (!authorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                answer(ex, 401, "Invalid password/token for user");
            } else if (path.equals("/crumbIssuer/api/json") && ex.getRequestMethod().equals("GET")) {
                if (!csrf) {
                    answer(ex, 404, "Not Found");
                    return;
                }
                ex.getResponseHeaders().add("Set-Cookie", SESSION + "; Path=/; HttpOnly");
                answer(ex, 200, "{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\",\"crumb\":\"" + CRUMB
                        + "\",\"crumbRequestField\":\"" + CRUMB_FIELD + "\"}");
            } else if (path.equals(jobPath + "/buildWithParameters") && ex.getRequestMethod().equals("POST")) {
                String crumb = ex.getRequestHeaders().getFirst(CRUMB_FIELD);
                String cookie = String.valueOf(ex.getRequestHeaders().getFirst("Cookie"));
                if (csrf && (!CRUMB.equals(crumb) || !cookie.contains(SESSION))) {
                    answer(ex, 403, "No valid crumb was included in the request");
                    return;
                }
                builds.add(new Build(path, form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)),
                        crumb, ex.getRequestHeaders().getFirst("Authorization")));
                ex.getResponseHeaders().add("Location", url() + "/queue/item/" + builds.size() + "/");
                answer(ex, 201, "");
            } else {
                answer(ex, 404, "Not Found");
            }
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
