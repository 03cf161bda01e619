package io.bluegreen.core.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nginx -s reload} only signals the master and returns; until the master has started new
 * workers and told the old ones to quit, the old ones still take new requests with the old upstream.
 * This reads the master's workers from /proc so a flip is confirmed, not assumed: the reload is done
 * when some worker is new and every old one is gone or "shutting down" (finishing what it had).
 */
final class NginxWorkers {
    private static final Pattern PID_DIRECTIVE = Pattern.compile("(?m)^\\s*pid\\s+\"?([^\";\\s]+)\"?\\s*;");
    private static final Pattern PID_PATH = Pattern.compile("--pid-path=(\\S+)");
    private static final Pattern PREFIX = Pattern.compile("--prefix=(\\S+)");
    private final Path pidFile;

    private NginxWorkers(Path pidFile) {
        this.pidFile = pidFile;
    }

    /** Finds the pid file the config names (or nginx's compiled-in default); empty where /proc is missing. */
    static Optional<NginxWorkers> of(Command.Runner commands, String binary, Path configFile) throws IOException {
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return Optional.empty();
        }
        Command.Result dump = commands.run(java.time.Duration.ofSeconds(30), binary, "-T", "-q", "-c", configFile.toString());
        Command.Result version = commands.run(java.time.Duration.ofSeconds(30), binary, "-V");
        Matcher m = PID_DIRECTIVE.matcher(dump.output());
        Matcher compiled = PID_PATH.matcher(version.output());
        String pid = m.find() ? m.group(1) : compiled.find() ? compiled.group(1) : null;
        if (pid == null) {
            return Optional.empty();
        }
        Path p = Path.of(pid);
        if (!p.isAbsolute()) {
            Matcher prefix = PREFIX.matcher(version.output());
            p = Path.of(prefix.find() ? prefix.group(1) : "/").resolve(p);
        }
        return Optional.of(new NginxWorkers(p));
    }

    Path pidFile() {
        return pidFile;
    }

    Optional<Long> master() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return Files.isDirectory(Path.of("/proc", Long.toString(pid))) ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    Set<Long> workers(long master) {
        Set<Long> out = new HashSet<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(master), "task"))) {
            for (Path task : tasks.toList()) {
                String children = Files.readString(task.resolve("children")).trim();
                for (String c : children.isEmpty() ? new String[0] : children.split("\\s+")) {
                    out.add(Long.parseLong(c));
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    /** True once no worker from {@code before} takes new requests and a new one exists. */
    boolean reloaded(long master, Set<Long> before) {
        Set<Long> now = workers(master);
        boolean someNew = now.stream().anyMatch(p -> !before.contains(p));
        boolean oldQuitting = now.stream().filter(before::contains).allMatch(NginxWorkers::shuttingDown);
        return someNew && oldQuitting;
    }

    /** Workers of an earlier config still finishing their requests. */
    int finishing(long master) {
        return (int) workers(master).stream().filter(NginxWorkers::shuttingDown).count();
    }

    private static boolean shuttingDown(long pid) {
        try {
            byte[] cmd = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(cmd, StandardCharsets.UTF_8).contains("shutting down");
        } catch (IOException gone) {
            return true;
        }
    }
}
