package io.bluegreen.core.engine.port;

import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.Versioned;
import java.util.List;
import java.util.Optional;

/**
 * Desired state and historical data of each service (Consul KV). Every read is checked field by field, and against its
 * signature when the store signs: a record that cannot be trusted throws {@link StoredDataException}.
 */
public interface StateStore {
    void ping();

    /** Whether records are signed when written and verified when read. */
    Signing signing();

    Versioned<ServiceState> readState(String service);

    /** Check-and-set: writes only if the key is still at {@code index}; false when someone else wrote first. */
    boolean writeState(String service, ServiceState state, long index);

    Optional<Journal> readJournal(String service);

    void writeJournal(String service, Journal journal);

    void deleteJournal(String service);

    void appendHistory(String service, HistoryRecord record);

    /** Newest first. */
    List<HistoryRecord> history(String service, int limit);

    /** A small per-service note ({@code bluegreen/S/notes/NAME}), e.g. the last incident a heal handed off. */
    Optional<String> readNote(String service, String name);

    void writeNote(String service, String name, String value);

    /**
     * Signs {@code service}'s state and history records as they are now, whatever signed them before (a person checked
     * them): what was signed. Each must still read as a valid record; its journal is never signed again.
     */
    Trusted trust(String service);

    /** What {@link #trust} signed: the state (empty: there is none) and the IDs of the history records. */
    record Trusted(Optional<ServiceState> state, List<String> history) {
    }
}
