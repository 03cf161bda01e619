package io.bluegreen.core.proxy;

import io.bluegreen.core.spec.SpecReader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A router's options as read back from a saved state, checked one by one: whoever can write the state must not thereby
 * point the tool at a relative path, a command line or a malformed address. Each problem names {@code prefix.option}.
 */
final class SavedOptions {
    private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9._+-]{1,64}");
    private static final int MAX_PATH = 4096;
    private final String prefix;
    private final Map<String, String> options;
    private final List<String> problems;
    private final Set<String> read = new HashSet<>();

    SavedOptions(String prefix, Map<String, String> options, List<String> problems) {
        this.prefix = prefix;
        this.options = options;
        this.problems = problems;
    }

    void problem(String key, String message) {
        problems.add(prefix + "." + key + ": " + message);
    }

    private Optional<String> raw(String key) {
        read.add(key);
        return Optional.ofNullable(options.get(key));
    }

    private String required(String key) {
        Optional<String> v = raw(key);
        if (v.isEmpty() || v.get().isEmpty()) {
            problem(key, "is required");
            return null;
        }
        if (v.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            problem(key, "holds a control character");
            return null;
        }
        return v.get();
    }

    /** An absolute, normalized path. */
    Path absolutePath(String key) {
        String s = required(key);
        if (s == null) {
            return null;
        }
        try {
            Path p = Path.of(s);
            if (s.length() > MAX_PATH || !p.isAbsolute() || !p.normalize().equals(p) || p.getParent() == null) {
                problem(key, "'" + s + "' is not an absolute, normalized path to a file");
                return null;
            }
            return p;
        } catch (InvalidPathException e) {
            problem(key, "'" + s + "' is not a path");
            return null;
        }
    }

    /** A program: an absolute path, or a bare name found on PATH. */
    String executable(String key) {
        String s = raw(key).orElse(null);
        if (s != null && COMMAND.matcher(s).matches()) {
            return s;
        }
        Path p = absolutePath(key);
        return p == null ? null : p.toString();
    }

    /** One of {@code allowed}, or empty when the option is absent. */
    Optional<String> choice(String key, Set<String> allowed) {
        Optional<String> v = raw(key);
        if (v.isPresent() && !allowed.contains(v.get())) {
            problem(key, "is not one of " + new java.util.TreeSet<>(allowed));
            return Optional.empty();
        }
        return v;
    }

    /** An admin socket: host:port, or an absolute path to a unix socket. */
    String socket(String key) {
        String s = raw(key).orElse(null);
        if (s != null) {
            Matcher tcp = SpecReader.HOST_PORT.matcher(s);
            if (tcp.matches()) {
                int port = Integer.parseInt(tcp.group(3));
                if (port < 1 || port > 65535) {
                    problem(key, "'" + s + "': the port must be from 1 to 65535");
                    return null;
                }
                return s;
            }
        }
        Path p = absolutePath(key);
        return p == null ? null : p.toString();
    }

    String backendName(String key) {
        String s = required(key);
        if (s != null && !SpecReader.HAPROXY_NAME.matcher(s).matches()) {
            problem(key, "'" + s + "' is not an HAProxy backend name (1 to 63 of A-Z a-z 0-9 . _ : -)");
            return null;
        }
        return s;
    }

    Optional<Integer> optionalInteger(String key, int min, int max) {
        Optional<String> s = raw(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            int i = Integer.parseInt(s.get());
            if (i >= min && i <= max) {
                return Optional.of(i);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(key, "'" + s.get() + "' is not a whole number from " + min + " to " + max);
        return Optional.empty();
    }

    void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(read);
        unknown.forEach(k -> problem(k, "is not an option of this router"));
    }
}
