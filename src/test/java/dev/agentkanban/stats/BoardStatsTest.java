package dev.agentkanban.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoardStatsTest {

    @Test
    void percentageIsRoundedToOneDecimal() {
        assertThat(BoardStats.percentage(1, 7)).isEqualTo(14.3);
        assertThat(BoardStats.percentage(2, 3)).isEqualTo(66.7);
        assertThat(BoardStats.percentage(5, 5)).isEqualTo(100.0);
    }

    @Test
    void percentageOfNothingIsZero() {
        assertThat(BoardStats.percentage(0, 0)).isEqualTo(0.0);
    }
}
