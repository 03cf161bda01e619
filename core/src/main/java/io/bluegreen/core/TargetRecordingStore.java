package io.bluegreen.core;

import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.StateStore;
import io.bluegreen.core.engine.Versioned;
import io.bluegreen.core.spec.TargetSpec;
import java.util.List;
import java.util.Optional;

/**
 * The state store of a service deployed to a target other than the local engine: every state it writes carries
 * that target, so status, rollback and heal later find the same engines without the spec.
 */
final class TargetRecordingStore implements StateStore {
    private final StateStore store;
    private final TargetSpec target;

    TargetRecordingStore(StateStore store, TargetSpec target) {
        this.store = store;
        this.target = target;
    }

    @Override
    public void ping() {
        store.ping();
    }

    @Override
    public Versioned<ServiceState> readState(String service) {
        return store.readState(service);
    }

    @Override
    public boolean writeState(String service, ServiceState state, long index) {
        return store.writeState(service, state.withTarget(target), index);
    }

    @Override
    public Optional<Journal> readJournal(String service) {
        return store.readJournal(service);
    }

    @Override
    public void writeJournal(String service, Journal journal) {
        store.writeJournal(service, journal);
    }

    @Override
    public void deleteJournal(String service) {
        store.deleteJournal(service);
    }

    @Override
    public void appendHistory(String service, HistoryRecord record) {
        store.appendHistory(service, record);
    }

    @Override
    public List<HistoryRecord> history(String service, int limit) {
        return store.history(service, limit);
    }

    @Override
    public Optional<String> readNote(String service, String name) {
        return store.readNote(service, name);
    }

    @Override
    public void writeNote(String service, String name, String value) {
        store.writeNote(service, name, value);
    }
}
