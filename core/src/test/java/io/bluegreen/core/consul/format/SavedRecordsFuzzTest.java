package io.bluegreen.core.consul.format;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.engine.port.StoredDataException;
import io.bluegreen.core.proxy.Routers;
import java.util.Optional;

/**
 * What whoever can write the KV prefix can put there, read back as the state, a journal or a history record: the
 * record, or {@link StoredDataException} naming its key; nothing else escapes. {@link #readRecord} is the whole stored
 * text read without a key (how far an unsigned record gets); {@link #readSignedBody} is a body signed with the key, as
 * a deployer holding it would write it, so every field's check is reached with {@code Signing.SIGNED} too.
 */
class SavedRecordsFuzzTest {
    private static final String SERVICE = "vote";
    private static final String HISTORY_ID = "20261201-101000-0c2d";
    private static final Secret KEY = new Secret("0123456789abcdef0123456789abcdef");

    private enum Kind {
        STATE("bluegreen/vote/state"), JOURNAL("bluegreen/vote/journal"), HISTORY("bluegreen/vote/history/" + HISTORY_ID);

        final String key;

        Kind(String key) {
            this.key = key;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void readRecord(FuzzedDataProvider data) {
        Kind kind = data.pickValue(Kind.values());
        read(new SavedRecords(Optional.empty(), GenerationLedger.inMemory(), Routers.CHECK, "fuzz", n -> { }), kind,
                data.consumeRemainingAsString());
    }

    @FuzzTest(maxDuration = "60s")
    void readSignedBody(FuzzedDataProvider data) {
        Kind kind = data.pickValue(Kind.values());
        String body = data.consumeRemainingAsString();
        Envelope unsigned = new Envelope(Envelope.FORMAT, "fuzz", 1, body, null);
        String text = new Envelope(Envelope.FORMAT, "fuzz", 1, body, new Signer(Optional.of(KEY)).mac(unsigned.signedText(kind.key)))
                .text();
        Optional<StoredDataException> refused = read(new SavedRecords(Optional.of(KEY), GenerationLedger.inMemory(),
                Routers.CHECK, "fuzz", n -> { }), kind, text);
        // A body that reads back as itself carries a MAC that verifies: any refusal of it is about its fields.
        refused.filter(e -> body.equals(bodyOf(text)))
                .ifPresent(e -> assertFalse(e.problem().startsWith(kind.key + " does not verify"), e.getMessage()));
    }

    /** The record read, or the refusal, which must name the key. */
    private static Optional<StoredDataException> read(SavedRecords records, Kind kind, String text) {
        try {
            Object value = switch (kind) {
                case STATE -> records.readState(kind.key, SERVICE, text);
                case JOURNAL -> records.readJournal(kind.key, SERVICE, text, null);
                case HISTORY -> records.readHistory(kind.key, SERVICE, HISTORY_ID, text);
            };
            assertNotNull(value);
            return Optional.empty();
        } catch (StoredDataException e) {
            assertTrue(e.getMessage().startsWith(kind.key + " "), e.getMessage());
            return Optional.of(e);
        }
    }

    private static String bodyOf(String text) {
        try {
            return Envelope.parse(text).body();
        } catch (Envelope.MalformedRecordException e) {
            return null;
        }
    }
}
