package org.kotta.deployer.localcloud.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Median, min and max (and p50/p99 for latency samples) of a list of measurements. */
public record Stats(int n, double median, double min, double max) {

    public static Stats of(Collection<? extends Number> values) {
        if (values.isEmpty()) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        List<Double> sorted = sorted(values);
        return new Stats(sorted.size(), percentile(sorted, 50), sorted.get(0), sorted.get(sorted.size() - 1));
    }

    /** Nearest-rank percentile of a sample. */
    public static double percentile(Collection<? extends Number> values, double p) {
        List<Double> sorted = sorted(values);
        if (p == 50 && sorted.size() % 2 == 0) {
            return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static List<Double> sorted(Collection<? extends Number> values) {
        List<Double> sorted = new ArrayList<>();
        values.forEach(v -> sorted.add(v.doubleValue()));
        sorted.sort(null);
        return sorted;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("n", n);
        map.put("median", round(median));
        map.put("min", round(min));
        map.put("max", round(max));
        return map;
    }

    /** "median (min–max)" with the given number of decimals. */
    public String format(int decimals) {
        if (n == 0) {
            return "–";
        }
        String f = "%." + decimals + "f";
        return String.format(f + " (" + f + "–" + f + ")", median, min, max);
    }

    static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
