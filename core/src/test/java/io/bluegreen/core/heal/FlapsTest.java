package io.bluegreen.core.heal;

import static io.bluegreen.core.engine.Instance.Health.CRITICAL;
import static io.bluegreen.core.engine.Instance.Health.PASSING;
import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.Test;

/** Counting a check's changes of verdict from looks at it, within a window. */
public class FlapsTest {
    private static final long S = 1_000_000_000L;
    private final Flaps flaps = new Flaps(Duration.ofSeconds(60));

    @Test
    public void changesOfVerdictCountAndAMovedIndexWithTheSameVerdictCountsTwice() {
        flaps.look("a", PASSING, 10, 0);
        flaps.look("a", CRITICAL, 11, S);
        flaps.look("a", PASSING, 12, 2 * S);
        assertEquals(2, flaps.count("a"));
        flaps.look("a", PASSING, 14, 3 * S); // went critical and back between two looks
        assertEquals(4, flaps.count("a"));
        flaps.look("a", PASSING, 14, 4 * S);
        assertEquals(4, flaps.count("a"));
        assertEquals(Optional.of("a"), flaps.flapping(Map.of("a", PASSING, "b", PASSING), 4));
        assertEquals(Optional.empty(), flaps.flapping(Map.of("a", CRITICAL), 4));
    }

    @Test
    public void oldFlapsLeaveTheWindowAndForgottenReplicasStartAgain() {
        flaps.look("a", PASSING, 1, 0);
        flaps.look("a", CRITICAL, 2, S);
        flaps.look("a", PASSING, 3, 2 * S);
        flaps.look("a", PASSING, 3, 70 * S);
        assertEquals(0, flaps.count("a"));
        flaps.look("b", PASSING, 1, 0);
        flaps.look("b", CRITICAL, 2, S);
        flaps.keepOnly(Set.of("a"));
        assertEquals(0, flaps.count("b"));
    }
}
