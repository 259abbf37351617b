package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The import limit follows the heap: an import the heap cannot hold is a 413, never an out-of-memory 500. */
class ImportLimitTest {

    static final long MB = 1024 * 1024;

    @Test
    void theConfiguredLimitHoldsWhereTheHeapCanTakeIt() {
        assertThat(BodySizeLimitFilter.importLimit(100 * MB, 6 * 1024 * MB)).isEqualTo(100 * MB);
    }

    @Test
    void aSmallHeapLowersTheLimitToAnEighthOfIt() {
        assertThat(BodySizeLimitFilter.importLimit(100 * MB, 128 * MB)).isEqualTo(16 * MB);
        assertThat(BodySizeLimitFilter.importLimit(100 * MB, 256 * MB)).isEqualTo(32 * MB);
    }
}
