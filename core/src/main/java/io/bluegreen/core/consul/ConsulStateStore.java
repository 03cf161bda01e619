package io.bluegreen.core.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.v1.kv.model.GetValue;
import com.ecwid.consul.v1.kv.model.PutParams;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.port.StateStore;
import io.bluegreen.core.engine.Versioned;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Desired state, phase journal and history under {@code bluegreen/<service>/} in Consul KV. */
public final class ConsulStateStore implements StateStore {
    private final ConsulAgent agent;

    public ConsulStateStore(ConsulAgent agent) {
        this.agent = agent;
    }

    static String key(String service, String leaf) {
        return "bluegreen/" + service + "/" + leaf;
    }

    @Override
    public void ping() {
        agent.ping();
    }

    @Override
    public Versioned<ServiceState> readState(String service) {
        GetValue v = get(key(service, "state"));
        if (v == null || v.getValue() == null) {
            return new Versioned<>(ServiceState.empty(service), 0);
        }
        return new Versioned<>(parse(v.getDecodedValue(), ServiceState.class), v.getModifyIndex());
    }

    @Override
    public boolean writeState(String service, ServiceState state, long index) {
        PutParams cas = new PutParams();
        cas.setCas(index);
        try {
            Boolean ok = agent.client().setKVValue(key(service, "state"), json(state), agent.token(), cas).getValue();
            return Boolean.TRUE.equals(ok);
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
    }

    @Override
    public Optional<Journal> readJournal(String service) {
        GetValue v = get(key(service, "journal"));
        return v == null || v.getValue() == null ? Optional.empty() : Optional.of(parse(v.getDecodedValue(), Journal.class));
    }

    @Override
    public void writeJournal(String service, Journal journal) {
        set(key(service, "journal"), json(journal));
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
        set(key(service, "history/" + record.id()), json(record));
    }

    @Override
    public List<HistoryRecord> history(String service, int limit) {
        List<GetValue> values;
        try {
            values = agent.client().getKVValues(key(service, "history/"), agent.token()).getValue();
        } catch (ConsulException e) {
            throw agent.failure(e);
        }
        List<HistoryRecord> out = new ArrayList<>();
        if (values != null) {
            for (GetValue v : values) {
                if (v.getValue() != null) {
                    out.add(parse(v.getDecodedValue(), HistoryRecord.class));
                }
            }
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

    private GetValue get(String key) {
        try {
            return agent.client().getKVValue(key, agent.token()).getValue();
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

    static String json(Object o) {
        try {
            return ConsulAgent.JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T parse(String text, Class<T> type) {
        try {
            return ConsulAgent.JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in Consul KV: " + e.getOriginalMessage(), e);
        }
    }
}
