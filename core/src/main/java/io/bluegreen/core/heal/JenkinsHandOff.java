package io.bluegreen.core.heal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Hands the heal to a Jenkins job through Jenkins' documented remote API: a crumb from
 * {@code /crumbIssuer/api/json} when CSRF protection is on (404 means it is off), then
 * {@code POST /job/<job>/buildWithParameters} with {@code SERVICE}, {@code ACTION} and {@code REASON};
 * 201 with a {@code Location} header means queued. Folder jobs {@code a/b} are {@code /job/a/job/b}.
 */
public final class JenkinsHandOff implements HealHandOff {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private final URI base;
    private final String job;
    private final Optional<String> basicAuth;
    private final HttpClient http;

    /** {@code user} and {@code token} both or neither (an anonymous Jenkins). */
    public JenkinsHandOff(URI base, String job, Optional<String> user, Optional<Secret> token) {
        this.base = base;
        this.job = job;
        this.basicAuth = user.map(u -> "Basic " + Base64.getEncoder().encodeToString(
                (u + ":" + token.orElseThrow().reveal()).getBytes(StandardCharsets.UTF_8)));
        // The crumb belongs to the session Jenkins opened while issuing it: keep its cookie.
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A job or a folder path {@code a/b}: each part non-empty, not {@code .} or {@code ..}, no control characters. */
    public static String validatedJob(String flag, String job) {
        for (String part : job.split("/", -1)) {
            if (part.isBlank() || part.equals(".") || part.equals("..") || part.length() > 255 || !part.equals(part.strip())
                    || part.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidSpecException(flag + ": '" + job.replaceAll("\\p{Cntrl}", "?")
                        + "' is not a Jenkins job name or folder path such as heal-vote or ops/heal-vote");
            }
        }
        return job;
    }

    /** {@code /job/a/job/b}, each name percent-encoded. */
    static String jobPath(String job) {
        return java.util.Arrays.stream(job.split("/"))
                .map(p -> "/job/" + URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining());
    }

    @Override
    public String handOff(String service, HealDecision decision) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SERVICE", service);
        form.put("ACTION", decision.action().label());
        form.put("REASON", decision.reason());
        HttpRequest.Builder post = request(URI.create(base + jobPath(job) + "/buildWithParameters"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))));
        crumb().ifPresent(c -> post.header(c.get(0), c.get(1)));
        HttpResponse<String> r = send(post.build());
        if (r.statusCode() == 201 && r.headers().firstValue("Location").isPresent()) {
            return "Jenkins job " + job + " queued (" + r.headers().firstValue("Location").get() + ")";
        }
        throw refused(r, "buildWithParameters of job " + job);
    }

    /** The header name and value Jenkins wants, or empty when it has no crumb issuer (CSRF protection off). */
    private Optional<List<String>> crumb() {
        HttpResponse<String> r = send(request(URI.create(base + "/crumbIssuer/api/json")).GET().build());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw refused(r, "the crumb issuer");
        }
        try {
            JsonNode n = JSON.readTree(r.body());
            String field = n.path("crumbRequestField").asText("");
            String crumb = n.path("crumb").asText("");
            if (field.isEmpty() || crumb.isEmpty()) {
                throw new IllegalStateException("Jenkins' crumb issuer at " + base + " answered without crumbRequestField and crumb");
            }
            return Optional.of(List.of(field, crumb));
        } catch (IOException e) {
            throw new IllegalStateException("Jenkins' crumb issuer at " + base + " answered no JSON", e);
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        basicAuth.ifPresent(a -> b.header("Authorization", a));
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Jenkins at " + base + " did not answer (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling Jenkins at " + base, e);
        }
    }

    private IllegalStateException refused(HttpResponse<String> r, String what) {
        String why = switch (r.statusCode()) {
            case 401 -> "the credentials were refused (check JENKINS_USER and JENKINS_API_TOKEN)";
            case 403 -> "forbidden: the user lacks Job/Build permission, or Jenkins refused the crumb";
            case 404 -> "not found: no job " + job + " at " + base;
            case 201 -> "no Location header in the answer";
            default -> "HTTP " + r.statusCode();
        };
        return new IllegalStateException("Jenkins refused " + what + ": " + why);
    }
}
