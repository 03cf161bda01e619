package io.bluegreen.core.it;

import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;

/**
 * Real extra Docker engines, each in its own network namespace with its own address, started and stopped by
 * the project's scripts/engines.sh (never the main engine).
 */
public final class ExtraEngines {
    /** One engine as engines.sh prints it. */
    public record Engine(String name, String host, String address, String zone) {
        public String yaml() {
            return "{ name: " + name + ", host: \"" + host + "\", address: " + address + " }";
        }
    }

    private ExtraEngines() {
    }

    public static List<Engine> up(int n) {
        List<Engine> out = new ArrayList<>();
        for (String line : run("up", Integer.toString(n)).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 4) {
                out.add(new Engine(f[0], f[1], f[2], f[3]));
            }
        }
        if (out.size() != n) {
            fail("scripts/engines.sh up " + n + " gave " + out);
        }
        return out;
    }

    public static void down() {
        run("down");
    }

    /** The YAML {@code target:} section over these engines. */
    public static String target(List<Engine> engines, String extra) {
        StringBuilder b = new StringBuilder("target:\n  type: engines\n");
        if (extra != null) {
            b.append(extra.indent(2));
        }
        b.append("  engines:\n");
        engines.forEach(e -> b.append("    - ").append(e.yaml()).append('\n'));
        return b.toString();
    }

    private static String run(String... args) {
        return ProjectScript.run("engines.sh", 150, args);
    }
}
