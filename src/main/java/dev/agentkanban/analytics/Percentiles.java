package dev.agentkanban.analytics;

import java.util.Arrays;

/** Percentiles by linear interpolation between the closest ranks, as PostgreSQL's {@code percentile_cont}. */
final class Percentiles {

    private final double[] sorted;

    Percentiles(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** The {@code p} quantile (0..1), or null without values. */
    Double at(double p) {
        if (sorted.length == 0) {
            return null;
        }
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    Double mean() {
        return sorted.length == 0 ? null : Arrays.stream(sorted).average().orElseThrow();
    }
}
