package io.bluegreen.core.heal;

import io.bluegreen.core.spec.AnalysisSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pure: the replica of a color that stands out from its siblings on one metric, if one does. */
final class Trends {
    private Trends() {
    }

    /** One replica worse than its siblings: what was measured, for the heal's reason. */
    record Outlier(String replica, String metric, double value, double siblings) {
        String describe() {
            return metric + " of " + replica + " = " + AnalysisSpec.format(value) + " against a median of "
                    + AnalysisSpec.format(siblings) + " for its siblings";
        }
    }

    /**
     * The worst replica whose {@code value} is above {@code floor} and above {@code ratio} times the median of the others'
     * (at least one sibling with data); empty when none stands out. Replicas without data are left out.
     */
    static Optional<Outlier> outlier(String metric, Map<String, Double> values, double ratio, double floor) {
        Outlier worst = null;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            List<Double> others = new ArrayList<>();
            values.forEach((id, v) -> {
                if (!id.equals(e.getKey())) {
                    others.add(v);
                }
            });
            if (others.isEmpty()) {
                continue;
            }
            double median = median(others);
            double v = e.getValue();
            if (v > floor && v > ratio * median && (worst == null || v > worst.value())) {
                worst = new Outlier(e.getKey(), metric, v, median);
            }
        }
        return Optional.ofNullable(worst);
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
