package io.bluegreen.core.consul.format;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Format 1: the records bluegreen wrote before the envelope, the domain records as Jackson wrote them. They are
 * rewritten into format 2's body here and then read like any other; the next write saves them as format 2. What
 * differs: a router was one flat record of every proxy's fields, a target was Jackson's picture of the domain record
 * (upper-case enums, memory in bytes), a journal once named its operation {@code deployId}, and an HTTP hook lost its
 * URL (Jackson took {@code HookSpec.isHttp()} for the property and ignored it): such a hook cannot run, so it is
 * dropped, and {@code notes} says which.
 */
final class LegacyFormat {
    private static final Set<String> NGINX = Set.of("upstreamFile", "configFile", "binary");
    private static final Set<String> HAPROXY = Set.of("socket", "backend", "backendFile", "serverMaxconn");

    private LegacyFormat() {
    }

    static Map<String, Object> state(Map<String, Object> s, List<String> notes) {
        Map<String, Object> out = new LinkedHashMap<>(s);
        if (out.get("colors") instanceof Map<?, ?> colors) {
            Map<String, Object> migrated = new LinkedHashMap<>();
            colors.forEach((label, c) -> migrated.put(String.valueOf(label), c instanceof Map<?, ?> m
                    ? color(String.valueOf(label), copy(m), notes) : c));
            out.put("colors", migrated);
        }
        out.computeIfPresent("router", (k, r) -> router(r));
        out.computeIfPresent("target", (k, t) -> target(t));
        out.computeIfPresent("preview", (k, p) -> {
            if (!(p instanceof Map<?, ?> m)) {
                return p;
            }
            Map<String, Object> preview = copy(m);
            preview.computeIfPresent("router", (k2, r) -> router(r));
            preview.computeIfPresent("production", (k2, r) -> router(r));
            return preview;
        });
        return out;
    }

    /** A color's hooks without the URL format 1 lost (and without a command) are dropped, each said in {@code notes}. */
    private static Map<String, Object> color(String label, Map<String, Object> c, List<String> notes) {
        if (!(c.get("control") instanceof Map<?, ?> control) || !(control.get("hooks") instanceof Map<?, ?> hooks)) {
            return c;
        }
        Map<String, Object> kept = new LinkedHashMap<>();
        hooks.forEach((which, list) -> {
            if (!(list instanceof List<?> l)) {
                kept.put(String.valueOf(which), list);
                return;
            }
            List<Object> runnable = new java.util.ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) instanceof Map<?, ?> h && h.get("http") == null && h.get("run") == null) {
                    notes.add("colors." + label + ".control.hooks." + which + "[" + i + "]: an HTTP hook whose URL the"
                            + " previous format lost; it is dropped (deploy the release again to have it)");
                } else {
                    runnable.add(l.get(i));
                }
            }
            kept.put(String.valueOf(which), runnable);
        });
        Map<String, Object> controlOut = copy(control);
        controlOut.put("hooks", kept);
        Map<String, Object> out = new LinkedHashMap<>(c);
        out.put("control", controlOut);
        return out;
    }

    static Map<String, Object> journal(Map<String, Object> j, List<String> notes) {
        Map<String, Object> out = new LinkedHashMap<>(j);
        if (out.containsKey("deployId") && !out.containsKey("opId")) {
            out.put("opId", out.remove("deployId"));
        }
        out.computeIfPresent("previous", (k, s) -> s instanceof Map<?, ?> m ? state(copy(m), notes) : s);
        out.computeIfPresent("committing", (k, s) -> s instanceof Map<?, ?> m ? state(copy(m), notes) : s);
        out.computeIfPresent("router", (k, r) -> router(r));
        out.computeIfPresent("previewRouter", (k, r) -> router(r));
        return out;
    }

    /** The flat router of every proxy's fields, as {type, TYPE: {its own options}}. */
    private static Object router(Object r) {
        if (!(r instanceof Map<?, ?> m) || !(m.get("type") instanceof String type)) {
            return r;
        }
        Map<String, Object> options = new LinkedHashMap<>();
        Set<String> own = type.equals("nginx") ? NGINX : type.equals("haproxy") ? HAPROXY : Set.of();
        m.forEach((k, v) -> {
            if (!"type".equals(k) && v != null) {
                // Every other field kept: one that is not this router's own is then reported by its check.
                options.put(String.valueOf(k), v);
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        if (!options.isEmpty() || !own.isEmpty()) {
            out.put(type, options);
        }
        return out;
    }

    /** Jackson's picture of TargetSpec as the spec writes a {@code target:} section. */
    private static Object target(Object t) {
        if (!(t instanceof Map<?, ?> m)) {
            return t;
        }
        Map<String, Object> out = copy(m);
        String type = out.get("type") instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
        out.put("type", type);
        if (out.get("strategy") instanceof String s) {
            out.put("strategy", s.toLowerCase(Locale.ROOT));
        }
        if (!"engines".equals(type)) {
            out.remove("strategy");
            if (out.get("constraints") instanceof List<?> l && l.isEmpty()) {
                out.remove("constraints");
            }
            if (out.get("engines") instanceof List<?> l && l.isEmpty()) {
                out.remove("engines");
            }
        }
        if (out.get("memory") instanceof Number n) {
            if (n.longValue() > 0) {
                out.put("memory", n.longValue() / 1024 + "k");
            } else {
                out.remove("memory");
            }
        }
        return out;
    }

    private static Map<String, Object> copy(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
