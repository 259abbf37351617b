package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PositionTest {

    @Test
    void anEmptyColumnStartsOneGapIn() {
        assertThat(Position.between(null, null)).hasValue(Position.GAP);
    }

    @Test
    void theEndsExtendByOneGap() {
        assertThat(Position.between(100L, null)).hasValue(100 + Position.GAP);
        assertThat(Position.between(null, 100L)).hasValue(100 - Position.GAP);
    }

    @Test
    void betweenTwoNeighboursTakesTheMidpoint() {
        assertThat(Position.between(0L, 10L)).hasValue(5);
        assertThat(Position.between(-7L, -3L)).hasValue(-5);
    }

    @Test
    void adjacentNeighboursLeaveNoRoom() {
        assertThat(Position.between(4L, 5L)).isEmpty();
    }

    @Test
    void repeatedInsertionAtOneSpotRunsOutOfRoomOnlyAfterManySplits() {
        long before = 0;
        long after = Position.GAP;
        int splits = 0;
        while (Position.between(before, after).isPresent()) {
            after = Position.between(before, after).getAsLong();
            splits++;
        }
        assertThat(splits).isEqualTo(16);
    }

    @Test
    void neighboursOutOfOrderAreABug() {
        assertThatThrownBy(() -> Position.between(5L, 5L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void renumberingSpacesTasksOneGapApart() {
        assertThat(Position.renumbered(0)).isEqualTo(Position.GAP);
        assertThat(Position.renumbered(2)).isEqualTo(3 * Position.GAP);
    }
}
