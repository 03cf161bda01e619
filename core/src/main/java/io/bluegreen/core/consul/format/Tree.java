package io.bluegreen.core.consul.format;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A mapping being written: absent values and empty lists are left out, so every key present carries a value. */
final class Tree {
    private final Map<String, Object> map = new LinkedHashMap<>();

    Tree put(String key, Object value) {
        if (value != null && !(value instanceof List<?> l && l.isEmpty()) && !(value instanceof Map<?, ?> m && m.isEmpty())) {
            map.put(key, value);
        }
        return this;
    }

    /** A key that must be present even without a value (JSON null: "none", which a reader must tell from "missing"). */
    Tree putEvenNull(String key, Object value) {
        map.put(key, value);
        return this;
    }

    Map<String, Object> map() {
        return map;
    }
}
