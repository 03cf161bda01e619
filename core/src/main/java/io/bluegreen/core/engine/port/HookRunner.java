package io.bluegreen.core.engine.port;

import io.bluegreen.core.spec.HookSpec;
import java.util.Map;

/**
 * Runs one release hook: an HTTP request or a command. {@code context} is what the hook may know (service, color,
 * version, preview URL, operation, and after a failure its outcome and reason), never a secret: a command gets it
 * as its whole environment (BLUEGREEN_*, plus PATH), a POST or PUT as its JSON body.
 */
@FunctionalInterface
public interface HookRunner {
    /** Returns a line for people on success; throws {@link HookException} saying why it failed. */
    String run(HookSpec hook, Map<String, String> context, EventSink events);
}
