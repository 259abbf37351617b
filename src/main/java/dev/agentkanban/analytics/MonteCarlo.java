package dev.agentkanban.analytics;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Monte Carlo simulation over daily throughput samples; reproducible for a given seed. */
final class MonteCarlo {

    static final int RUNS = 10_000;
    /** A run that has not finished after this many days counts as never finishing. */
    static final int MAX_DAYS = 3650;

    private final long[] samples;
    private final long seed;

    MonteCarlo(List<Long> samples, long seed) {
        this.samples = samples.stream().mapToLong(Long::longValue).toArray();
        this.seed = seed;
    }

    /**
     * Days (1 = today only) each run needed to finish {@code count} tasks, sorted; {@code MAX_DAYS + 1}
     * for a run that did not finish.
     */
    int[] daysToFinish(long count) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] out = new int[RUNS];
        boolean anyThroughput = Arrays.stream(samples).anyMatch(s -> s > 0);
        for (int r = 0; r < RUNS; r++) {
            long done = 0;
            int day = 0;
            while (done < count && day <= MAX_DAYS && anyThroughput) {
                done += samples[random.nextInt(samples.length)];
                day++;
            }
            out[r] = done >= count ? day : MAX_DAYS + 1;
        }
        Arrays.sort(out);
        return out;
    }

    /** Tasks each run finished in {@code days} days, sorted. */
    long[] doneWithin(int days) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[RUNS];
        for (int r = 0; r < RUNS; r++) {
            long done = 0;
            for (int d = 0; d < days; d++) {
                done += samples[random.nextInt(samples.length)];
            }
            out[r] = done;
        }
        Arrays.sort(out);
        return out;
    }

    /** The smallest value that at least share {@code p} of the sorted runs reach (nearest rank). */
    static int atMost(int[] sorted, double p) {
        return sorted[(int) Math.ceil(p * sorted.length) - 1];
    }

    /** The largest value that at least share {@code p} of the sorted runs reach or exceed. */
    static long atLeast(long[] sorted, double p) {
        return sorted[sorted.length - (int) Math.ceil(p * sorted.length)];
    }
}
