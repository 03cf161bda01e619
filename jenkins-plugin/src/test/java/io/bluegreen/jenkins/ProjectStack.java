package io.bluegreen.jenkins;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;

/**
 * The project's checkout and the real stack its {@code scripts/stack.sh up} starts (Docker engine, registry on
 * 127.0.0.1:5000, Consul on 127.0.0.1:8500), for the tests that deploy. They are skipped, saying why, where there is no
 * checkout ({@code -Dbluegreen.project=DIR} or {@code BLUEGREEN_PROJECT}, else a folder above this module holding
 * {@code scripts/stack.sh}) or where the stack cannot start (it needs Linux, root, and the packages the script
 * installs).
 */
final class ProjectStack {
    /** The credential id the tests give the state key under, as an administrator would. */
    static final String STATE_KEY_ID = "bluegreen-state-key";

    private ProjectStack() {}

    record Ran(int exit, String output) {
        String tail() {
            List<String> lines = output.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        }

        String orFail(String what) {
            if (exit != 0) {
                throw new IllegalStateException(what + " failed:\n" + output);
            }
            return output;
        }
    }

    /** The project's checkout with its stack up; a test that needs it is skipped, saying why, where it cannot be. */
    static Path up() throws IOException, InterruptedException {
        Optional<Path> found = find();
        assumeTrue(found.isPresent(), "no checkout of the project with scripts/stack.sh (set -Dbluegreen.project=DIR)");
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the project's stack runs on Linux only");
        Ran up = run(found.get(), "scripts/stack.sh", "up");
        assumeTrue(up.exit() == 0, "scripts/stack.sh up could not start the stack here:\n" + up.tail());
        return found.get();
    }

    /**
     * What an earlier run (or an earlier, unsigned version) left of {@code services} in Consul, signed with the stack's
     * key as a person upgrading would after checking it: {@code bin/bluegreen state trust}.
     */
    static void trustWhatEarlierRunsLeft(Path project, String... services) throws IOException, InterruptedException {
        for (String service : services) {
            run(project, "bin/bluegreen", "state", "trust", "-s", service)
                    .orFail("bin/bluegreen state trust -s " + service);
        }
    }

    /** The project's checkout: named by a property or the environment, else the first folder above that has the scripts. */
    private static Optional<Path> find() {
        String named = System.getProperty("bluegreen.project", System.getenv("BLUEGREEN_PROJECT"));
        if (named != null) {
            return Optional.of(Path.of(named)).filter(p -> Files.isRegularFile(p.resolve("scripts/stack.sh")));
        }
        return Stream.iterate(Path.of(System.getProperty("user.dir")).toAbsolutePath(), p -> p != null, Path::getParent)
                .filter(p -> Files.isRegularFile(p.resolve("scripts/stack.sh")))
                .findFirst();
    }

    static Ran run(Path project, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("bluegreen-jenkins", ".out");
        try {
            Process p = new ProcessBuilder(command)
                    .directory(project.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Ran(-1, String.join(" ", command) + " took over 15 minutes");
            }
            return new Ran(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The value of {@code NAME=value} in what a proxy script printed. */
    static String printed(String paths, String name) {
        return paths.lines()
                .filter(l -> l.startsWith(name + "="))
                .findFirst()
                .orElseThrow()
                .substring(name.length() + 1);
    }

    /**
     * The stack's state key (scripts/stack.sh makes it) as a Secret text credential, and the global configuration
     * naming it: the plugin then signs what it saves in Consul as the stack's CLI does.
     */
    static void signWithTheStacksKey(Path project) throws IOException {
        String key = Files.readString(project.resolve(".stack/state.key")).strip();
        SystemCredentialsProvider.getInstance()
                .getCredentials()
                .add(new StringCredentialsImpl(
                        CredentialsScope.GLOBAL, STATE_KEY_ID, "the state key", Secret.fromString(key)));
        SystemCredentialsProvider.getInstance().save();
        BlueGreenConfiguration.get().setStateKeyCredentialsId(STATE_KEY_ID);
    }
}
