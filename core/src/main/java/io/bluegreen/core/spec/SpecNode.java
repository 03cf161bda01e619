package io.bluegreen.core.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One mapping of a tree read field by field: a spec, or a record read back from Consul KV (the same rules for both).
 * Every problem is recorded with the field's full dotted path, so a user sees all of them at once; keys nobody read
 * are reported as unknown.
 */
public final class SpecNode {
    private final String prefix;
    private final Map<?, ?> map;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();

    public SpecNode(String prefix, Map<?, ?> map, List<String> problems) {
        this.prefix = prefix;
        this.map = map;
        this.problems = problems;
    }

    /** A key as the input wrote it may hold a line break, which would forge a problem line of its own. */
    public String path(String key) {
        String shown = key.replaceAll("\\p{Cntrl}", "?");
        return prefix.isEmpty() ? shown : prefix + "." + shown;
    }

    public void problem(String key, String message) {
        problems.add(path(key) + ": " + message);
    }

    /** A problem a checker outside the tree found, already naming its field. */
    public void report(String problem) {
        problems.add(problem);
    }

    private Object raw(String key) {
        known.add(key);
        return map.get(key);
    }

    /** The value as parsed (marks the key known), for readers of types this class does not know. */
    public Object rawValue(String key) {
        return raw(key);
    }

    /** Whether the key is there at all, even holding null (a field whose "none" must be written out). */
    public boolean present(String key) {
        known.add(key);
        return map.containsKey(key);
    }

    public boolean has(String key) {
        return map.get(key) != null;
    }

    public Optional<String> string(String key) {
        Object v = raw(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            if (s.isBlank()) {
                problem(key, "must not be empty");
                return Optional.empty();
            }
            return Optional.of(s);
        }
        problem(key, "expected text, got " + describe(v));
        return Optional.empty();
    }

    public String requiredString(String key) {
        if (!has(key)) {
            raw(key);
            problem(key, "is required");
            return null;
        }
        return string(key).orElse(null);
    }

    /** Text that must match {@code pattern}; {@code rule} says in words what the pattern demands. */
    public String matching(String key, Pattern pattern, String rule, String fallback) {
        Optional<String> s = fallback == null && !has(key) ? Optional.ofNullable(requiredString(key)) : string(key);
        if (s.isEmpty()) {
            return fallback;
        }
        if (!pattern.matcher(s.get()).matches()) {
            problem(key, quote(s.get()) + " " + rule);
            return fallback;
        }
        return s.get();
    }

    public int integer(String key, int min, int max, Integer fallback) {
        return (int) wholeNumber(key, min, max, fallback == null ? null : fallback.longValue());
    }

    /** A whole number that may exceed an int (a duration in ms, say). */
    public long wholeNumber(String key, long min, long max, Long fallback) {
        Object v = raw(key);
        if (v == null) {
            if (fallback == null) {
                problem(key, "is required");
                return min;
            }
            return fallback;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            problem(key, "expected a whole number from " + min + " to " + max + ", got " + describe(v));
            return fallback == null ? min : fallback;
        }
        long i = ((Number) v).longValue();
        if (i < min || i > max) {
            problem(key, "must be from " + min + " to " + max + ", got " + i);
            return fallback == null ? min : fallback;
        }
        return i;
    }

    /** A moment as ISO-8601 UTC text ({@code 2026-12-07T16:45:00Z}); absent: empty, or a problem when {@code required}. */
    public Optional<java.time.Instant> instant(String key, boolean required) {
        Optional<String> s = required ? Optional.ofNullable(requiredString(key)) : string(key);
        try {
            return s.map(java.time.Instant::parse);
        } catch (java.time.format.DateTimeParseException e) {
            problem(key, quote(s.get()) + " is not a moment such as 2026-12-07T16:45:00Z");
            return Optional.empty();
        }
    }

    public boolean bool(String key, boolean fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        problem(key, "expected true or false, got " + describe(v));
        return fallback;
    }

    public Duration duration(String key, Duration min, Duration max, Duration fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        Optional<Duration> d = v instanceof String s ? Durations.parse(s)
                : v instanceof Integer i && i == 0 ? Optional.of(Duration.ZERO) : Optional.empty();
        if (d.isEmpty()) {
            problem(key, "expected a duration such as 500ms, 5s, 10m or 1h, got " + describe(v));
            return fallback;
        }
        if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            problem(key, "must be from " + Durations.format(min) + " to " + Durations.format(max) + ", got " + v);
            return fallback;
        }
        return d.get();
    }

    /** An http(s) URL with a host and no user:password in it. */
    public Optional<java.net.URI> url(String key) {
        return string(key).flatMap(s -> {
            Optional<java.net.URI> u = httpUrl(s);
            if (u.isEmpty()) {
                problem(key, quote(s) + " is not an http(s) URL with a host (and no user:password in it)");
            }
            return u;
        });
    }

    /** {@code s} as an http(s) URL with a host and no user:password in it, or empty. */
    static Optional<java.net.URI> httpUrl(String s) {
        try {
            java.net.URI u = new java.net.URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null && u.getUserInfo() == null) {
                return Optional.of(u);
            }
        } catch (java.net.URISyntaxException ignored) {
            // not a URL at all
        }
        return Optional.empty();
    }

    /** A path relative to {@code base}; {@code directory} says whether it must be a folder or a file. */
    Path existingPath(String key, Path base, boolean directory, boolean required) {
        String s = required ? requiredString(key) : string(key).orElse(null);
        if (s == null) {
            return null;
        }
        Path p = base.resolve(s).normalize();
        if (directory ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
            problem(key, (directory ? "folder " : "file ") + p + " does not exist");
            return null;
        }
        return p;
    }

    /** A mapping of plain names to scalar values (numbers and booleans become text). */
    public Map<String, String> stringMap(String key, Pattern keyPattern, String keyRule) {
        Object v = raw(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            problem(key, "expected a mapping of names to values, got " + describe(v));
            return out;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = String.valueOf(e.getKey());
            Object value = e.getValue();
            if (!(e.getKey() instanceof String) || !keyPattern.matcher(name).matches()) {
                problem(key, "name " + quote(name) + " " + keyRule);
            } else if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                out.put(name, String.valueOf(value));
            } else {
                problems.add(path(key) + "." + name + ": expected a single value, got " + describe(value));
            }
        }
        return out;
    }

    /** A list of texts; absent gives an empty list. */
    public List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (Object item : list(key)) {
            if (item instanceof String s && !s.isBlank()) {
                out.add(s);
            } else {
                problem(key, "expected a list of texts, got an item " + describe(item));
            }
        }
        return out;
    }

    /** A list of mappings, each read as a node {@code key[i]}; absent gives an empty list. */
    public List<SpecNode> mappings(String key) {
        List<SpecNode> out = new ArrayList<>();
        List<?> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Map<?, ?> m) {
                out.add(new SpecNode(path(key) + "[" + i + "]", m, problems));
            } else {
                problems.add(path(key) + "[" + i + "]: expected a mapping, got " + describe(items.get(i)));
            }
        }
        return out;
    }

    private List<?> list(String key) {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            problem(key, "expected a list, got " + describe(v));
            return List.of();
        }
        return l;
    }

    /** A nested mapping; absent gives an empty node so defaults apply. */
    public SpecNode child(String key) {
        Object v = raw(key);
        if (v == null) {
            return new SpecNode(path(key), Map.of(), problems);
        }
        if (!(v instanceof Map<?, ?> m)) {
            problem(key, "expected a mapping, got " + describe(v));
            return new SpecNode(path(key), Map.of(), problems);
        }
        return new SpecNode(path(key), m, problems);
    }

    /** The keys this mapping holds, in its order (a reader then asks for each, or reports it). */
    public List<String> keys() {
        return map.keySet().stream().map(String::valueOf).toList();
    }

    /** Reports every key this node holds that no reader asked for. */
    public void rejectUnknown() {
        for (Object k : map.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                problems.add(path(String.valueOf(k)) + ": unknown field (known here: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    List<String> problems() {
        return new ArrayList<>(problems);
    }

    static String describe(Object v) {
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String s) {
            return quote(s);
        }
        return String.valueOf(v);
    }

    public static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
