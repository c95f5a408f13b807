package org.kotta.deployer.localcloud.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Median, min and max (and p50/p99 for latency samples) of a list of measurements. Every
 * percentile, the median included, is nearest-rank: the smallest value with at least p % of
 * the sample at or below it, always a measured value (for an even count the median is the
 * lower of the two middle values, not their mean). The same rule picks a whole run as "the
 * median run" ({@link #nearestRank}).
 */
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
        return sorted.get(nearestRank(sorted.size(), p));
    }

    /** The index, in a sample of {@code n} sorted ascending, of its nearest-rank {@code p}th percentile. */
    public static int nearestRank(int n, double p) {
        if (n == 0) {
            throw new IllegalArgumentException("no values");
        }
        int rank = (int) Math.ceil(p / 100.0 * n);
        return Math.max(0, Math.min(n - 1, rank - 1));
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

    /** The same figures rounded to 3 decimals, as results.json keeps them. */
    public Stats rounded() {
        return new Stats(n, round(median), round(min), round(max));
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
