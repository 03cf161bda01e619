package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * What every receiver of Consul's watch POSTs does with one, whatever serves the HTTP (the CLI's {@link HealServer} on
 * the JDK's server, the Jenkins plugin's endpoint on Stapler), and the heal workers the POSTs trigger. In this order:
 * only POST (405); the secret in {@link WatchGate#TOKEN_HEADER}, compared in constant time, against a decoy when the
 * service has none, so the answer (401) and its time are the same for a wrong secret and a service nobody watches; a
 * service with a worker here (404); then {@link WatchGate#admit} (413, 400, 409); then the service's
 * {@link HealWorker} is triggered and the answer is 202 at once (503 once the worker stopped).
 */
public final class WatchReceiver {
    /** The shortest secret a watch may use. */
    public static final int MIN_SECRET_LENGTH = 16;
    /** Compared against when a service has no secret, so that case costs what a wrong secret costs. */
    private static final Secret DECOY = new Secret(HexFormat.of().formatHex(randomBytes()));
    private final Map<String, HealWorker> workers;
    private final BiPredicate<String, Long> accept;
    private final Redactor redactor;

    /** One POST: its method, the service its path names, and its headers (any may be null) and body. */
    public record Request(String method, String service, String token, String consulIndex, InputStream body) {
    }

    /** The HTTP status and a one-line message to answer with; a 405 also sends {@code Allow: POST}. */
    public record Reply(int status, String message) {
    }

    /**
     * {@code workers}: one per service, already running; {@code accept}: the replay guard ({@link WatchIndexes#accept});
     * {@code redactor}: what a failure's message passes through before it is answered.
     */
    public WatchReceiver(Map<String, HealWorker> workers, BiPredicate<String, Long> accept, Redactor redactor) {
        this.workers = Map.copyOf(workers);
        this.accept = accept;
        this.redactor = redactor;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** Refuses a secret shorter than {@link #MIN_SECRET_LENGTH}, naming {@code whose} and never the value. */
    public static void requireStrong(Secret secret, String whose) {
        if (secret.reveal().length() < MIN_SECRET_LENGTH) {
            throw new InvalidSpecException(whose + " must have at least " + MIN_SECRET_LENGTH + " characters");
        }
    }

    /** Answers {@code r}; {@code expected} is the secret of the service it names, or null when that service has none. */
    public Reply receive(Request r, Secret expected) throws IOException {
        if (!"POST".equals(r.method())) {
            return new Reply(405, "only POST");
        }
        boolean matches = WatchGate.tokenMatches(r.token(), expected == null ? DECOY : expected);
        if (!matches || expected == null) {
            return new Reply(401, WatchGate.refusal(r.token()));
        }
        HealWorker worker = workers.get(r.service());
        if (worker == null) {
            return new Reply(404, "not a service healed here (it heals " + String.join(", ", workers.keySet()) + ")");
        }
        try {
            WatchGate.Answer a = WatchGate.admit(r.service(), WatchGate.readBody(r.body()), r.consulIndex(), accept);
            if (!a.admitted()) {
                return new Reply(a.status(), a.message());
            }
            HealWorker.Trigger t = worker.trigger("watch index " + a.index());
            return new Reply(t == HealWorker.Trigger.STOPPED ? 503 : 202, a.message() + "; heal " + t.name().toLowerCase());
        } catch (RuntimeException e) {
            return new Reply(503, "failed: " + redactor.redact(e.getMessage()));
        }
    }

    /** Stops every worker at once, each letting a running heal finish for up to {@code wait}. */
    public void close(Duration wait) {
        workers.values().parallelStream().forEach(w -> w.close(wait));
    }
}
