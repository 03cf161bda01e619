package io.bluegreen.core.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.HookException;
import io.bluegreen.core.engine.port.HookRunner;
import io.bluegreen.core.spec.HookSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs hooks on this machine: HTTP with the JDK's client (no redirects followed), its placeholders filled in only now;
 * commands as child processes with only PATH and the hook's context in their environment (so no secret of ours
 * reaches them), their output passed on line by line (the caller redacts every line), killed at their timeout.
 */
public final class LocalHookRunner implements HookRunner {
    private static final int TAIL = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Redactor redactor;
    private final PlaceholderValues values;

    /**
     * {@code redactor}: the one the caller redacts with, which learns every placeholder's value filled in here, so a
     * later line (a command's output) does not show it either.
     */
    public LocalHookRunner(Redactor redactor) {
        this(redactor, System::getenv);
    }

    LocalHookRunner(Redactor redactor, Function<String, String> environment) {
        this.redactor = redactor;
        this.values = new PlaceholderValues(environment, redactor);
    }

    @Override
    public String run(HookSpec hook, Map<String, String> context, EventSink events) {
        return hook.isHttp() ? request(hook, context) : command(hook, context, events);
    }

    private String request(HookSpec hook, Map<String, String> context) {
        boolean body = hook.method().equals("POST") || hook.method().equals("PUT");
        HttpRequest.Builder b = HttpRequest.newBuilder(values.url(hook)).timeout(hook.timeoutDuration());
        try {
            b.method(hook.method(), body ? HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(new TreeMap<>(context)))
                    : HttpRequest.BodyPublishers.noBody());
        } catch (JsonProcessingException e) {
            throw failed("cannot write the hook's JSON body: " + e.getOriginalMessage());
        }
        if (body) {
            b.header("Content-Type", "application/json");
        }
        hook.headers().keySet().forEach(name -> b.setHeader(name, values.header(hook, name)));
        HttpRequest request = b.build();
        for (int i = 1; i <= hook.times(); i++) {
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                throw failed(hook.describe() + ": request " + i + " of " + hook.times() + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed(hook.describe() + ": interrupted");
            }
            if (status != hook.expect()) {
                throw failed(hook.describe() + ": request " + i + " of " + hook.times() + " answered " + status);
            }
        }
        return hook.describe() + ": " + hook.times() + " of " + hook.times() + " answered " + hook.expect();
    }

    private String command(HookSpec hook, Map<String, String> context, EventSink events) {
        ProcessBuilder pb = new ProcessBuilder(hook.run()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        pb.environment().putAll(context);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw failed(hook.describe() + ": cannot start: " + e.getMessage());
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    events.progress(line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed at its timeout
            }
        }, "hook-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(hook.timeoutDuration().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw failed(hook.describe() + ": still running after " + hook.timeout() + "; killed");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw failed(hook.describe() + ": interrupted");
        }
        if (p.exitValue() != 0) {
            String last;
            synchronized (tail) {
                last = String.join(" | ", tail);
            }
            throw failed(hook.describe() + ": exit " + p.exitValue() + (last.isEmpty() ? "" : " (last output: " + last + ")"));
        }
        return hook.describe() + ": exit 0";
    }

    /** Its message redacted: an I/O error or a command's last output may show a placeholder's value. */
    private HookException failed(String message) {
        return new HookException(redactor.redact(message));
    }
}
