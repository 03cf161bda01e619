package io.bluegreen.core.engine;

import java.util.List;

/** Reads a service's deploy history, newest first. */
public final class History {
    private final Systems sys;

    public History(Systems sys) {
        this.sys = sys;
    }

    public List<HistoryRecord> list(String service, int limit) {
        return sys.store().history(service, limit);
    }
}
