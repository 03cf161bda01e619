package io.bluegreen.core.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a proxy's own command line (argv, never a shell) with a time limit. */
final class Command {
    private Command() {
    }

    /** Who runs command lines: {@link Command#run} on this machine, or a test's recorder. */
    @FunctionalInterface
    interface Runner {
        Result run(Duration timeout, String... argv) throws IOException;
    }

    record Result(int exit, String output) {
        /** The last few lines, enough to say why without flooding the log. */
        String lastLines() {
            List<String> lines = output.strip().lines().toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
        }
    }

    static Result run(Duration timeout, String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(124, String.join(" ", Arrays.asList(argv)) + " timed out after " + timeout.toSeconds() + "s");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
