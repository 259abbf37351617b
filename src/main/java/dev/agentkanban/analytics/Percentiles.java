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

    /**
     * The mean, summed exactly in decimal (each value as its shortest decimal) and rounded once: the
     * same as PostgreSQL's {@code avg} over numeric seconds, which the kept figures' summaries use.
     */
    Double mean() {
        if (sorted.length == 0) {
            return null;
        }
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (double v : sorted) {
            sum = sum.add(java.math.BigDecimal.valueOf(v));
        }
        return sum.divide(java.math.BigDecimal.valueOf(sorted.length), java.math.MathContext.DECIMAL128)
                .doubleValue();
    }
}
