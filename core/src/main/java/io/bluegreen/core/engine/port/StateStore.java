package io.bluegreen.core.engine.port;

import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Versioned;
import java.util.List;
import java.util.Optional;

/** Desired state and historical data of each service (Consul KV). */
public interface StateStore {
    void ping();

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
}
