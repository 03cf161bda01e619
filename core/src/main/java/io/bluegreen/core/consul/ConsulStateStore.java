package io.bluegreen.core.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.v1.kv.model.GetValue;
import com.ecwid.consul.v1.kv.model.PutParams;
import io.bluegreen.core.consul.format.SavedRecords;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.Signing;
import io.bluegreen.core.engine.Versioned;
import io.bluegreen.core.engine.port.StateStore;
import io.bluegreen.core.engine.port.StoredDataException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Desired state, phase journal and history under {@code bluegreen/<service>/} in Consul KV, each record in the save
 * format of {@link SavedRecords} (versioned, signed with a key, checked when read).
 */
public final class ConsulStateStore implements StateStore {
    private final ConsulAgent agent;
    private final SavedRecords records;

    public ConsulStateStore(ConsulAgent agent, SavedRecords records) {
        this.agent = agent;
        this.records = records;
    }

    static String key(String service, String leaf) {
        return "bluegreen/" + service + "/" + leaf;
    }

    @Override
    public void ping() {
        agent.ping();
    }

    @Override
    public Signing signing() {
        return records.signing();
    }

    @Override
    public Versioned<ServiceState> readState(String service) {
        String key = key(service, "state");
        GetValue v = get(key);
        if (v == null || v.getValue() == null) {
            return new Versioned<>(ServiceState.empty(service), 0);
        }
        return new Versioned<>(records.readState(key, service, v.getDecodedValue()), v.getModifyIndex());
    }

    @Override
    public boolean writeState(String service, ServiceState state, long index) {
        String key = key(service, "state");
        SavedRecords.Prepared text = records.writeState(key, service, state);
        if (!cas(key, text.text(), index)) {
            return false;
        }
        records.stored(service, text);
        return true;
    }

    @Override
    public Optional<Journal> readJournal(String service) {
        String key = key(service, "journal");
        GetValue v = get(key);
        if (v == null || v.getValue() == null) {
            return Optional.empty();
        }
        GetValue state = get(key(service, "state"));
        return Optional.of(records.readJournal(key, service, v.getDecodedValue(),
                state == null || state.getValue() == null ? null : state.getDecodedValue()));
    }

    @Override
    public void writeJournal(String service, Journal journal) {
        String key = key(service, "journal");
        set(key, records.writeJournal(key, service, journal));
    }

    @Override
    public void deleteJournal(String service) {
        try {
            agent.client().deleteKVValue(key(service, "journal"), agent.token());
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
    }

    @Override
    public void appendHistory(String service, HistoryRecord record) {
        String key = key(service, "history/" + record.id());
        set(key, records.writeHistory(key, service, record));
    }

    @Override
    public List<HistoryRecord> history(String service, int limit) {
        List<HistoryRecord> out = new ArrayList<>();
        for (GetValue v : historyValues(service)) {
            out.add(records.readHistory(v.getKey(), service, id(v.getKey()), v.getDecodedValue()));
        }
        out.sort(Comparator.comparing(HistoryRecord::startedAt).thenComparing(HistoryRecord::id).reversed());
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    @Override
    public Optional<String> readNote(String service, String name) {
        GetValue v = get(key(service, "notes/" + name));
        return v == null || v.getValue() == null ? Optional.empty() : Optional.of(v.getDecodedValue());
    }

    @Override
    public void writeNote(String service, String name, String value) {
        set(key(service, "notes/" + name), value);
    }

    @Override
    public Trusted trust(String service) {
        String key = key(service, "state");
        GetValue v = get(key);
        Optional<ServiceState> state = Optional.empty();
        if (v != null && v.getValue() != null) {
            SavedRecords.Trusted<ServiceState> t = records.trustState(key, service, v.getDecodedValue());
            if (!cas(key, t.prepared().text(), v.getModifyIndex())) {
                throw new StoredDataException(key, "changed while it was being signed", "Run it again");
            }
            records.stored(service, t.prepared());
            state = Optional.of(t.value());
        }
        List<String> ids = new ArrayList<>();
        for (GetValue h : historyValues(service)) {
            SavedRecords.Trusted<HistoryRecord> t = records.trustHistory(h.getKey(), service, id(h.getKey()),
                    h.getDecodedValue());
            set(h.getKey(), t.prepared().text());
            ids.add(t.value().id());
        }
        return new Trusted(state, ids);
    }

    private List<GetValue> historyValues(String service) {
        List<GetValue> values;
        try {
            values = agent.client().getKVValues(key(service, "history/"), agent.token()).getValue();
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
        return values == null ? List.of() : values.stream().filter(v -> v.getValue() != null).toList();
    }

    private static String id(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private GetValue get(String key) {
        try {
            return agent.client().getKVValue(key, agent.token()).getValue();
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
    }

    private boolean cas(String key, String value, long index) {
        PutParams cas = new PutParams();
        cas.setCas(index);
        try {
            return Boolean.TRUE.equals(agent.client().setKVValue(key, value, agent.token(), cas).getValue());
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
    }

    private void set(String key, String value) {
        try {
            if (!Boolean.TRUE.equals(agent.client().setKVValue(key, value, agent.token(), new PutParams()).getValue())) {
                throw new IllegalStateException("Consul refused to write " + key);
            }
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
    }
}
