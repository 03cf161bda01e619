package io.bluegreen.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs `bluegreen` in-process, as the tests' user would from a shell: to completion, or in the background (heal-server). */
final class CliRun implements AutoCloseable {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Thread thread;
    private volatile int exit = -1;

    private CliRun(Map<String, String> env, String stdin, String... args) {
        BlueGreenCli cli = new BlueGreenCli(env, new PrintWriter(out), new PrintWriter(err),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        thread = new Thread(() -> exit = cli.run(args), "bluegreen " + String.join(" ", args));
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs to the end (at most 5 minutes). */
    static CliRun run(Map<String, String> env, String stdin, String... args) throws InterruptedException {
        CliRun r = new CliRun(env, stdin, args);
        r.thread.join(TimeUnit.MINUTES.toMillis(5));
        return r;
    }

    /** Starts in the background and returns at once, {@code stdin} as its standard input (see {@link #await}). */
    static CliRun start(Map<String, String> env, String stdin, String... args) {
        return new CliRun(env, stdin, args);
    }

    /** Starts in the background and waits (at most 30 s) until the output contains {@code ready}. */
    static CliRun background(Map<String, String> env, String ready, String... args) throws InterruptedException {
        CliRun r = new CliRun(env, "", args);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!r.out().contains(ready)) {
            if (!r.thread.isAlive() || System.nanoTime() > end) {
                r.close();
                throw new IllegalStateException("bluegreen " + String.join(" ", args) + " did not say '" + ready + "': " + r.all());
            }
            Thread.sleep(50);
        }
        return r;
    }

    /** Waits at most {@code bound} for the command to end; true when it has. */
    boolean await(java.time.Duration bound) throws InterruptedException {
        thread.join(Math.max(1, bound.toMillis()));
        return !thread.isAlive();
    }

    boolean running() {
        return thread.isAlive();
    }

    int exit() {
        return exit;
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    String all() {
        return out() + err();
    }

    /** Stops a background run as SIGTERM would (interrupt; the command closes its server), at most 60 s. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(60));
    }
}
