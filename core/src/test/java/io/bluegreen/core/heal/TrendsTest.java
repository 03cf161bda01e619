package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** The trend rule's arithmetic: a replica stands out only against siblings, above a floor, by more than the ratio. */
public class TrendsTest {
    private static Map<String, Double> values(Object... idValue) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < idValue.length; i += 2) {
            m.put((String) idValue[i], ((Number) idValue[i + 1]).doubleValue());
        }
        return m;
    }

    @Test
    public void theSlowReplicaStandsOutFromItsSiblings() {
        Trends.Outlier o = Trends.outlier("latency", values("a", 0.002, "b", 0.4, "c", 0.003), 3, 0.1).orElseThrow();
        assertEquals("b", o.replica());
        assertEquals(0.4, o.value(), 0);
        assertEquals(0.0025, o.siblings(), 1e-12);
        assertEquals("latency of b = 0.4 against a median of 0.0025 for its siblings", o.describe());
    }

    @Test
    public void nothingStandsOutBelowTheFloorWithinTheRatioOrWithoutSiblings() {
        assertEquals(Optional.empty(), Trends.outlier("latency", values("a", 0.002, "b", 0.09), 3, 0.1));
        assertEquals(Optional.empty(), Trends.outlier("latency", values("a", 0.3, "b", 0.5), 3, 0.1));
        assertEquals(Optional.empty(), Trends.outlier("latency", values("a", 5.0), 3, 0.1));
        assertEquals(Optional.empty(), Trends.outlier("latency", values(), 3, 0.1));
    }

    @Test
    public void aWholeColorDegradingAlikeIsNoOutlier() {
        assertEquals(Optional.empty(), Trends.outlier("5xx", values("a", 0.3, "b", 0.32, "c", 0.35), 3, 0.05));
    }
}
