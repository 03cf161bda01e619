package io.bluegreen.core.heal;

import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.EventLines;
import io.bluegreen.core.engine.FailureKind;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

/**
 * What every receiver of Consul's watch POSTs does with one, whatever serves the HTTP (the CLI's {@link HealServer} on
 * the JDK's server, the Jenkins plugin's endpoint on Stapler), and the heal workers the POSTs trigger. In this order:
 * only POST (405); the secret in {@link WatchGate#TOKEN_HEADER}, compared in constant time, against a decoy when the
 * service has none, so the answer (401) and its time are the same for a wrong secret and a service nobody watches; a
 * service with a worker here (404); then {@link WatchGate#admit} (413, 400, or 200 for an index already handled);
 * then the service's {@link HealWorker} is triggered and the answer is 202 at once (503 once the worker stopped).
 * Consul's watch handler can only send a fixed header, so that is all a watch POST proves; it is also all it can do:
 * wake a worker that looks at Consul. A person's rollback ({@link #rollback}) acts, so it must be signed instead
 * ({@link RequestSignatures}: the secret never travels, a captured request is good once and for 30 s).
 */
public final class WatchReceiver {
    /** The shortest and the longest secret a watch may use. */
    public static final int MIN_SECRET_LENGTH = 16;
    public static final int MAX_SECRET_LENGTH = 4096;
    /** Compared against when a service has no secret, so that case costs what a wrong secret costs. */
    private static final Secret DECOY = new Secret(HexFormat.of().formatHex(randomBytes()));
    private final Map<String, HealWorker> workers;
    private final BiPredicate<String, Long> accept;
    private final Redactor redactor;
    private final RequestSignatures signatures = new RequestSignatures(Clock.systemUTC());

    /**
     * One POST: its method, its target (the raw path and query, which a signature covers), the service its path names,
     * its headers by name (null when absent) and its body.
     */
    public record Request(String method, String target, String service, UnaryOperator<String> header, InputStream body) {
        String consulIndex() {
            return header.apply("X-Consul-Index");
        }
    }

    /**
     * The HTTP status and the message to answer with (one line, but a rollback's: the CLI's output, its last line the
     * outcome); a 405 also sends {@code Allow: POST}. A rollback's reply also carries the exit code the CLI would have
     * ended with ({@code exitCode}; null for a watch POST).
     */
    public record Reply(int status, String message, Integer exitCode) {
        Reply(int status, String message) {
            this(status, message, null);
        }
    }

    /** What follows the checks every request passes. */
    private interface Admitted {
        Reply then(HealWorker worker) throws IOException;
    }

    /**
     * {@code workers}: one per service, already running; {@code accept}: whether an index is new ({@link WatchIndexes#accept}, a hint);
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

    /**
     * Refuses a secret that is not {@link #MIN_SECRET_LENGTH} to {@link #MAX_SECRET_LENGTH} printable ASCII characters
     * without spaces (it travels in an HTTP header); the message names {@code whose}, never the value.
     */
    public static void requireValid(Secret secret, String whose) {
        String s = secret.reveal();
        if (s.length() < MIN_SECRET_LENGTH || s.length() > MAX_SECRET_LENGTH) {
            throw new InvalidSpecException(whose + ": the secret must have " + MIN_SECRET_LENGTH + " to "
                    + MAX_SECRET_LENGTH + " characters, it has " + s.length());
        }
        if (!s.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidSpecException(whose + ": the secret must be printable ASCII without spaces (it goes into an HTTP header)");
        }
    }

    /**
     * Answers a watch POST {@code r}; {@code expected} is the secret of the service it names, or null when that service
     * has none.
     */
    public Reply receive(Request r, Secret expected) throws IOException {
        if (!"POST".equals(r.method())) {
            return new Reply(405, "only POST");
        }
        String token = r.header().apply(WatchGate.TOKEN_HEADER);
        boolean matches = WatchGate.tokenMatches(token, expected == null ? DECOY : expected);
        if (!matches || expected == null) {
            return new Reply(401, WatchGate.refusal(token));
        }
        return forWorker(r, worker -> {
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
        });
    }

    /** How a rollback's answer carries its events: as the CLI prints them, or with {@code --json}. */
    public enum Transcript {
        TEXT, JSON_LINES
    }

    /**
     * A person's rollback to the warm standby ({@link HealWorker#rollback}: a running heal is interrupted first), signed
     * ({@link RequestSignatures}; else 401), decided on the state the person saw when the request's {@code X-Consul-Index} names its index (refused, 409, when it moved
     * on: a retry after a lost answer is not a second rollback), answered when done with what the CLI would print, line for line (its events, then what it ends with: the
     * outcome or its error line last): 200, else 409 (refused), 400 (invalid), 503 (unreachable) or 500; either way
     * with the CLI's exit code.
     */
    public Reply rollback(Request r, Secret expected, Transcript transcript) throws IOException {
        if (!"POST".equals(r.method())) {
            return new Reply(405, "only POST", FailureKind.INVALID.exitCode());
        }
        byte[] body = WatchGate.readBody(r.body());
        if (body.length > WatchPayloads.MAX_BYTES) {
            return new Reply(413, "bluegreen: invalid input: a rollback request has no body", FailureKind.INVALID.exitCode());
        }
        Optional<String> refused = signatures.refusal(expected == null ? DECOY : expected, r.header().apply(RequestSignatures.HEADER),
                r.method(), r.target(), r.consulIndex(), body);
        if (refused.isPresent() || expected == null) {
            return new Reply(401, "bluegreen: invalid input: the heal server refused the request: "
                    + refused.orElse("no secret here"), FailureKind.INVALID.exitCode());
        }
        if (!workers.containsKey(r.service())) {
            return new Reply(404, "bluegreen: invalid input: the heal server does not heal " + r.service() + " (it heals "
                    + String.join(", ", workers.keySet()) + ")", FailureKind.INVALID.exitCode());
        }
        return forWorker(r, worker -> {
            OptionalLong seen;
            try {
                seen = r.consulIndex() == null || r.consulIndex().isBlank() ? OptionalLong.empty()
                        : OptionalLong.of(Long.parseLong(r.consulIndex().strip()));
            } catch (NumberFormatException e) {
                return new Reply(400, "bluegreen: invalid input: X-Consul-Index: not the state's index (a whole number)", 2);
            }
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            DeployListener caller = e -> lines.add(transcript == Transcript.JSON_LINES ? EventLines.json(e) : EventLines.human(e));
            try {
                DeployResult back = worker.rollback(caller, seen);
                if (transcript == Transcript.TEXT) {
                    lines.add(back.backOn());
                }
                return new Reply(200, String.join("\n", lines), 0);
            } catch (RuntimeException e) {
                FailureKind kind = FailureKind.of(e);
                int status = switch (kind) {
                    case REFUSED -> 409;
                    case INVALID -> 400;
                    case UNREACHABLE -> 503;
                    case FAILED, NEEDS_HUMAN, UNTRUSTED -> 500;
                };
                lines.add("bluegreen: " + kind.label(e) + ": " + redactor.redact(e.getMessage()));
                return new Reply(status, String.join("\n", lines), kind.exitCode());
            }
        });
    }

    /** After authentication: a worker for the service (404), then {@code then}. */
    private Reply forWorker(Request r, Admitted then) throws IOException {
        HealWorker worker = workers.get(r.service());
        if (worker == null) {
            return new Reply(404, "not a service healed here (it heals " + String.join(", ", workers.keySet()) + ")");
        }
        return then.then(worker);
    }

    /** Stops every worker at once, each letting a running heal finish for up to {@code wait}. */
    public void close(Duration wait) {
        workers.values().parallelStream().forEach(w -> w.close(wait));
    }
}
