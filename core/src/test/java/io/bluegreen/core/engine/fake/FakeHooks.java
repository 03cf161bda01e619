package io.bluegreen.core.engine.fake;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.HookException;
import io.bluegreen.core.engine.port.HookRunner;
import io.bluegreen.core.spec.HookSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hooks in memory: records each run with its context; a hook named in {@link #failing} fails. */
public final class FakeHooks implements HookRunner {
    private final List<String> runs = new ArrayList<>();
    private final Set<String> failing = new HashSet<>();

    @Override
    public synchronized String run(HookSpec hook, Map<String, String> context, EventSink events) {
        String name = hook.isHttp() ? hook.http() : hook.run().get(0);
        runs.add(name + " " + context.get("BLUEGREEN_COLOR") + " " + context.getOrDefault("BLUEGREEN_OUTCOME", ""));
        if (failing.contains(name)) {
            throw new HookException(hook.describe() + ": failed as told");
        }
        return hook.describe() + ": ok";
    }

    public synchronized void fail(String name) {
        failing.add(name);
    }

    public synchronized List<String> runs() {
        return List.copyOf(runs);
    }
}
