package io.bluegreen.core.engine.fake;

import io.bluegreen.core.consul.format.GenerationLedger;
import io.bluegreen.core.consul.format.SavedRecords;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.port.RouterRefCheck;
import io.bluegreen.core.engine.port.StateStore;
import io.bluegreen.core.engine.Versioned;
import io.bluegreen.core.engine.fake.Faults.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consul KV in memory, with its check-and-set: a state write names the modify index it read (0: the key is absent).
 * Records are kept as text in the real save format (signed with a test key), so a reader gets back exactly what
 * survives it (what a repair reads from a journal, for one). The fake router's references pass any check.
 */
public final class FakeStore implements StateStore {
    private static final RouterRefCheck ANY_ROUTER = new RouterRefCheck() {
        @Override
        public List<String> problems(RouterRef ref, String path, Signing signing) {
            return List.of();
        }

        @Override
        public List<String> snapshotProblems(RouterRef ref, String snapshot, String path) {
            return List.of();
        }
    };
    private static final Optional<Secret> KEY = Optional.of(new Secret("a test key of thirty-two characters"));
    private SavedRecords records = records(KEY);
    private final Faults faults;
    private final Map<String, Versioned<String>> states = new HashMap<>();
    private final Map<String, String> journals = new HashMap<>();
    private final Map<String, List<String>> histories = new HashMap<>();
    private final Map<String, String> notes = new HashMap<>();
    private long modifyIndex = 0;

    public FakeStore(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void ping() {
    }

    @Override
    public Signing signing() {
        return records.signing();
    }

    @Override
    public synchronized Versioned<ServiceState> readState(String service) {
        Versioned<String> v = states.get(service);
        return v == null ? new Versioned<>(ServiceState.empty(service), 0)
                : new Versioned<>(records.readState(key(service, "state"), service, v.value()), v.index());
    }

    @Override
    public synchronized boolean writeState(String service, ServiceState state, long index) {
        faults.check(Step.WRITE_STATE);
        if (faults.hit(Step.CAS_CONFLICT)) {
            return false;
        }
        Versioned<String> now = states.get(service);
        if ((now == null ? 0 : now.index()) != index) {
            return false;
        }
        SavedRecords.Prepared text = records.writeState(key(service, "state"), service, state);
        states.put(service, new Versioned<>(text.text(), ++modifyIndex));
        records.stored(service, text);
        faults.check(Step.WRITE_LOST);
        return true;
    }

    @Override
    public synchronized Optional<Journal> readJournal(String service) {
        Versioned<String> state = states.get(service);
        return Optional.ofNullable(journals.get(service)).map(j -> records.readJournal(key(service, "journal"), service, j,
                state == null ? null : state.value()));
    }

    @Override
    public synchronized void writeJournal(String service, Journal journal) {
        faults.check(Step.JOURNAL);
        journals.put(service, records.writeJournal(key(service, "journal"), service, journal));
    }

    @Override
    public synchronized void deleteJournal(String service) {
        journals.remove(service);
    }

    @Override
    public synchronized void appendHistory(String service, HistoryRecord record) {
        histories.computeIfAbsent(service, s -> new ArrayList<>()).add(0,
                records.writeHistory(key(service, "history/" + record.id()), service, record));
    }

    /** Newest first, by when it was appended. */
    @Override
    public synchronized List<HistoryRecord> history(String service, int limit) {
        List<String> all = histories.getOrDefault(service, List.of());
        return all.subList(0, Math.min(limit, all.size())).stream().map(text -> {
            String id = text.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
            return records.readHistory(key(service, "history/" + id), service, id, text);
        }).toList();
    }

    @Override
    public synchronized Optional<String> readNote(String service, String name) {
        return Optional.ofNullable(notes.get(service + "/" + name));
    }

    @Override
    public synchronized void writeNote(String service, String name, String value) {
        notes.put(service + "/" + name, value);
    }

    private static SavedRecords records(Optional<Secret> key) {
        return new SavedRecords(key, GenerationLedger.inMemory(), ANY_ROUTER, "bluegreen test", notice -> { });
    }

    /** From now on records are written and read without a key, as a deployer without BLUEGREEN_STATE_KEY does. */
    public synchronized void unsigned() {
        records = records(Optional.empty());
    }

    /** The reader is another machine, which never saw a newer generation than what it reads now. */
    public synchronized void forgetGenerations() {
        records = records(KEY);
    }

    /** The state's text as stored (a backup a person takes with {@code consul kv get}). */
    public synchronized String rawState(String service) {
        return states.get(service).value();
    }

    /** {@code consul kv put bluegreen/S/state}: any text, no check-and-set. */
    public synchronized void putRawState(String service, String text) {
        states.put(service, new Versioned<>(text, ++modifyIndex));
    }

    /** {@code consul kv put bluegreen/S/journal}: any text. */
    public synchronized void putRawJournal(String service, String text) {
        journals.put(service, text);
    }

    /** Whether a journal is stored, readable or not. */
    public synchronized boolean hasJournal(String service) {
        return journals.containsKey(service);
    }

    @Override
    public Trusted trust(String service) {
        throw new UnsupportedOperationException("the engine never signs by itself");
    }

    private static String key(String service, String leaf) {
        return "bluegreen/" + service + "/" + leaf;
    }
}
