package io.bluegreen.core.it;

import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the project's scripts (scripts/NAME) with a bounded wait; its output, or the test fails with it. */
final class ProjectScript {
    private ProjectScript() {
    }

    static String run(String script, int seconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Stack.ROOT.resolve("scripts/" + script).toString()));
        cmd.addAll(List.of(args));
        String what = "scripts/" + script + " " + String.join(" ", args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(what + " took over " + seconds + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(what + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
