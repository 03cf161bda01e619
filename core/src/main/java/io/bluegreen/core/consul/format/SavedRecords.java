package io.bluegreen.core.consul.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.port.RouterRefCheck;
import io.bluegreen.core.engine.port.StoredDataException;
import io.bluegreen.core.spec.SpecNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The save format: every record the tool keeps in KV (a service's state, its journal, its history records) goes
 * through here, written as a versioned {@link Envelope} and, with a key, signed; read back, it is refused unless it
 * parses, has every field right, verifies and is not older than what this machine saw. Records in format 1 (before
 * the envelope) load when no key is set and are rewritten in format 2 on the next write.
 */
public final class SavedRecords {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {
    };
    private final Signer signer;
    private final GenerationLedger ledger;
    private final StateFormat states;
    private final JournalFormat journals;
    private final String writtenBy;
    private final Consumer<String> notices;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * {@code key}: the signing key (none: records are written unsigned, and said so once on {@code notices});
     * {@code writtenBy}: this program and its version, kept in every record.
     */
    public SavedRecords(Optional<Secret> key, GenerationLedger ledger, RouterRefCheck routers, String writtenBy,
                        Consumer<String> notices) {
        this.signer = new Signer(key);
        this.ledger = ledger;
        this.states = new StateFormat(routers);
        this.journals = new JournalFormat(states, routers);
        this.writtenBy = writtenBy;
        this.notices = notices;
    }

    public Signing signing() {
        return signer.signs() ? Signing.SIGNED : Signing.UNSIGNED;
    }

    /** A text ready to store, and the generation it carries. */
    public record Prepared(String text, long generation) {
    }

    // --- the state ----------------------------------------------------------------------------------------------

    /** The next generation of {@code service}'s state; {@link #stored} once the write succeeded. */
    public Prepared writeState(String key, String service, ServiceState state) {
        return envelope(key, StateFormat.write(state), ledger.seen(service) + 1);
    }

    /** A state write succeeded: its generation is the newest seen. */
    public void stored(String service, Prepared written) {
        ledger.saw(service, written.generation());
    }

    public ServiceState readState(String key, String service, String text) {
        Envelope e = open(key, text, Kind.STATE);
        long seen = ledger.seen(service);
        if (e.format() != Envelope.LEGACY && e.generation() < seen) {
            throw new StoredDataException(key, "is generation " + e.generation() + ", older than generation " + seen
                    + " this machine already saw (a replay, or a restored backup?)", Kind.STATE.untrusted(key, service));
        }
        ServiceState state = read(key, e, Kind.STATE, n -> states.read(n, service, signing()));
        ledger.saw(service, e.generation());
        return state;
    }

    // --- the journal --------------------------------------------------------------------------------------------

    /** A journal carries the generation of the state its operation read: an older one is a replay. */
    public String writeJournal(String key, String service, Journal journal) {
        return envelope(key, JournalFormat.write(journal), Math.max(1, ledger.seen(service))).text();
    }

    /** {@code stateText}: the state stored now (null: none), whose generation the journal must be close to. */
    public Journal readJournal(String key, String service, String text, String stateText) {
        Envelope e = open(key, text, Kind.JOURNAL);
        long current = Math.max(ledger.seen(service), generationOf(stateText));
        // Written before its commit it carries the state's generation, after it the one it committed.
        if (e.format() != Envelope.LEGACY && e.generation() < current - 1) {
            throw new StoredDataException(key, "is from generation " + e.generation() + " of the state, which is at "
                    + current + " now: an old journal written back (a replay?)", Kind.JOURNAL.untrusted(key, service));
        }
        return read(key, e, Kind.JOURNAL, n -> journals.read(n, service, signing()));
    }

    // --- history ------------------------------------------------------------------------------------------------

    public String writeHistory(String key, String service, HistoryRecord record) {
        return envelope(key, HistoryFormat.write(record), Math.max(1, ledger.seen(service))).text();
    }

    /** Bound by its signature to its key, a history record written back is the same record: no generation check. */
    public HistoryRecord readHistory(String key, String service, String id, String text) {
        return read(key, open(key, text, Kind.HISTORY), Kind.HISTORY, n -> HistoryFormat.read(n, service, id));
    }

    // --- trusting what a person checked ---------------------------------------------------------------------------

    /** A record a person vouched for, and what to store for it. */
    public record Trusted<T>(T value, Prepared prepared) {
    }

    /**
     * {@code text}, a state that is unsigned, signed with another key, or older than what was seen, signed as it is
     * with a generation above any seen: for a person who looked at it. It must still parse and have every field right;
     * {@link #stored} once written.
     */
    public Trusted<ServiceState> trustState(String key, String service, String text) {
        Envelope e = vouched(key, text);
        ServiceState state = read(key, e, Kind.STATE, n -> states.read(n, service, Signing.SIGNED));
        return new Trusted<>(state, envelope(key, body(key, e, Kind.STATE), Math.max(ledger.seen(service), e.generation()) + 1));
    }

    /** The same for a history record. */
    public Trusted<HistoryRecord> trustHistory(String key, String service, String id, String text) {
        Envelope e = vouched(key, text);
        HistoryRecord r = read(key, e, Kind.HISTORY, n -> HistoryFormat.read(n, service, id));
        return new Trusted<>(r, envelope(key, body(key, e, Kind.HISTORY), Math.max(1, ledger.seen(service))));
    }

    private Envelope vouched(String key, String text) {
        if (!signer.signs()) {
            throw new StoredDataException(key, "cannot be signed: no key is set", "Set BLUEGREEN_STATE_KEY or"
                    + " BLUEGREEN_STATE_KEY_FILE");
        }
        try {
            Envelope e = Envelope.parse(text);
            newer(key, e);
            return e;
        } catch (Envelope.MalformedRecordException x) {
            throw new StoredDataException(key, x.getMessage() + ", so it cannot be signed as it is", "");
        }
    }

    // --- the envelope -------------------------------------------------------------------------------------------

    private Prepared envelope(String key, Map<String, Object> body, long generation) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record the tool made is not JSON", e);
        }
        Envelope unsigned = new Envelope(Envelope.FORMAT, writtenBy, generation, text, null);
        if (!signer.signs()) {
            warnUnsigned();
            return new Prepared(unsigned.text(), generation);
        }
        return new Prepared(new Envelope(Envelope.FORMAT, writtenBy, generation, text,
                signer.mac(unsigned.signedText(key))).text(), generation);
    }

    /** Parsed, of a format this version reads, and signed when a key is set. */
    private Envelope open(String key, String text, Kind kind) {
        Envelope e;
        try {
            e = Envelope.parse(text);
        } catch (Envelope.MalformedRecordException x) {
            throw new StoredDataException(key, x.getMessage(), kind.corrupt(key, service(key)));
        }
        newer(key, e);
        if (!signer.signs()) {
            warnUnsigned();
            return e;
        }
        if (e.format() == Envelope.LEGACY || e.mac() == null) {
            throw new StoredDataException(key, "is not signed (written without BLUEGREEN_STATE_KEY"
                    + (e.format() == Envelope.LEGACY ? ", by a bluegreen from before signing" : "") + ")",
                    kind.untrusted(key, service(key)));
        }
        if (!signer.verifies(e.signedText(key), e.mac())) {
            throw new StoredDataException(key, "does not verify with this BLUEGREEN_STATE_KEY: it was changed after it was"
                    + " signed, or signed with another key", kind.untrusted(key, service(key)));
        }
        return e;
    }

    private static void newer(String key, Envelope e) {
        if (e.format() > Envelope.FORMAT) {
            throw new StoredDataException(key, "is in format " + e.format() + (e.writtenBy() == null ? ""
                    : " (written by " + e.writtenBy() + ")") + "; this bluegreen reads formats " + Envelope.LEGACY + " to "
                    + Envelope.FORMAT, "Use a newer bluegreen");
        }
    }

    private <T> T read(String key, Envelope e, Kind kind, Function<SpecNode, T> reader) {
        Map<String, Object> body = body(key, e, kind);
        List<String> problems = new ArrayList<>();
        T value = reader.apply(new SpecNode("", body, problems));
        if (!problems.isEmpty()) {
            throw new StoredDataException(key, "cannot be used: " + String.join("; ", problems), kind.corrupt(key, service(key)));
        }
        return value;
    }

    private Map<String, Object> body(String key, Envelope e, Kind kind) {
        Map<String, Object> tree;
        try {
            tree = JSON.readValue(e.body(), TREE);
        } catch (JsonProcessingException x) {
            throw new StoredDataException(key, "is not valid JSON (" + x.getOriginalMessage() + ")",
                    kind.corrupt(key, service(key)));
        }
        if (e.format() != Envelope.LEGACY) {
            return tree;
        }
        List<String> notes = new ArrayList<>();
        Map<String, Object> migrated = kind.migrate(tree, notes);
        notes.forEach(n -> notices.accept("bluegreen: " + key + ": " + n));
        return migrated;
    }

    private static long generationOf(String text) {
        if (text == null) {
            return 0;
        }
        try {
            return Envelope.parse(text).generation();
        } catch (Envelope.MalformedRecordException e) {
            return 0; // the state's own read reports it
        }
    }

    private void warnUnsigned() {
        if (warned.compareAndSet(false, true)) {
            notices.accept("bluegreen: the state in Consul is not signed (no BLUEGREEN_STATE_KEY): whoever can write the"
                    + " KV prefix bluegreen/ can route its services' traffic; commands and binaries are run from signed"
                    + " states only (docs/spec.md, \"The saved state\")");
        }
    }

    /** {@code bluegreen/S/...} → S. */
    private static String service(String key) {
        String[] parts = key.split("/", 3);
        return parts.length > 1 ? parts[1] : key;
    }

    /** Which record, for what a person does about a bad one. */
    enum Kind {
        STATE, JOURNAL, HISTORY;

        Map<String, Object> migrate(Map<String, Object> legacy, List<String> notes) {
            return switch (this) {
                case STATE -> LegacyFormat.state(legacy, notes);
                case JOURNAL -> LegacyFormat.journal(legacy, notes);
                case HISTORY -> legacy;
            };
        }

        String corrupt(String key, String service) {
            return switch (this) {
                case STATE -> "Look at it with `consul kv get " + key + "`; put a good copy back (`consul kv put " + key
                        + " @copy.json`), or clear it with `consul kv delete " + key + "` and deploy again (the next deploy"
                        + " starts over in blue and, once it flipped, retires what it no longer names)";
                case JOURNAL -> "Clear it with `consul kv delete " + key + "`, then `bin/bluegreen status -s " + service
                        + "` shows what runs; `bin/bluegreen rollback -s " + service + "` to the standby works meanwhile";
                case HISTORY -> "Clear it with `consul kv delete " + key + "` (only `rollback --to` and the heal server's"
                        + " counts read it)";
            };
        }

        String untrusted(String key, String service) {
            return switch (this) {
                case STATE, HISTORY -> "Check it with `consul kv get " + key + "`; if it is what you want, `bin/bluegreen"
                        + " state trust -s " + service + "` signs it as it is";
                case JOURNAL -> "A journal is never signed again: clear it with `consul kv delete " + key + "`, then"
                        + " `bin/bluegreen status -s " + service + "` shows what runs";
            };
        }
    }
}
