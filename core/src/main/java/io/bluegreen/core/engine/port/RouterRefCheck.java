package io.bluegreen.core.engine.port;

import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.Signing;
import java.util.List;

/**
 * Checks what a saved record says of a router: each router knows its own options and what its snapshots look like.
 * Every problem names its field under {@code path}; empty lists mean usable.
 */
public interface RouterRefCheck {
    /** {@code ref}'s type and options; a record that is not {@link Signing#SIGNED} may name only the default binaries. */
    List<String> problems(RouterRef ref, String path, Signing signing);

    /** A snapshot the router took of what it routed, which a repair would put back. */
    List<String> snapshotProblems(RouterRef ref, String snapshot, String path);
}
