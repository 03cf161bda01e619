package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.port.RouterException;
import java.util.Set;

/** HAProxy's runtime API as the router uses it: one command, one answer ({@link HaproxyRuntime}, or a test's recorder). */
interface HaproxyAdmin {
    /** Where the admin socket is, for people and for the saved state. */
    String address();

    /** The answer without its trailing blank lines. */
    String ask(String command);

    /** Runs {@code command}; an answer not in {@code expected} aborts with what HAProxy said. */
    default String expect(String command, Set<String> expected) {
        String answer = ask(command);
        if (!expected.contains(answer)) {
            throw new RouterException("HAProxy answered '" + command + "' unexpectedly: "
                    + (answer.isEmpty() ? "(nothing)" : answer.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse("")));
        }
        return answer;
    }
}
