package io.bluegreen.core.engine.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.ServiceState;
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
 * Documents are kept as JSON, with the mapper settings of the real store, so a reader gets back exactly what
 * survives serialisation (what a repair reads from a journal, for one).
 */
public final class FakeStore implements StateStore {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Faults faults;
    private final Map<String, Versioned<String>> states = new HashMap<>();
    private final Map<String, String> journals = new HashMap<>();
    private final Map<String, List<HistoryRecord>> histories = new HashMap<>();
    private final Map<String, String> notes = new HashMap<>();
    private long modifyIndex = 0;

    public FakeStore(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void ping() {
    }

    @Override
    public synchronized Versioned<ServiceState> readState(String service) {
        Versioned<String> v = states.get(service);
        return v == null ? new Versioned<>(ServiceState.empty(service), 0)
                : new Versioned<>(parse(v.value(), ServiceState.class), v.index());
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
        states.put(service, new Versioned<>(json(state), ++modifyIndex));
        faults.check(Step.WRITE_LOST);
        return true;
    }

    @Override
    public synchronized Optional<Journal> readJournal(String service) {
        return Optional.ofNullable(journals.get(service)).map(j -> parse(j, Journal.class));
    }

    @Override
    public synchronized void writeJournal(String service, Journal journal) {
        faults.check(Step.JOURNAL);
        journals.put(service, json(journal));
    }

    @Override
    public synchronized void deleteJournal(String service) {
        journals.remove(service);
    }

    @Override
    public synchronized void appendHistory(String service, HistoryRecord record) {
        histories.computeIfAbsent(service, s -> new ArrayList<>()).add(0, record);
    }

    /** Newest first, by when it was appended. */
    @Override
    public synchronized List<HistoryRecord> history(String service, int limit) {
        List<HistoryRecord> all = histories.getOrDefault(service, List.of());
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public synchronized Optional<String> readNote(String service, String name) {
        return Optional.ofNullable(notes.get(service + "/" + name));
    }

    @Override
    public synchronized void writeNote(String service, String name, String value) {
        notes.put(service + "/" + name, value);
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T parse(String text, Class<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
