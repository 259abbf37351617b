package dev.agentkanban.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.board.ColumnKind;
import org.junit.jupiter.api.Test;

class StatusColorTest {

    @Test
    void aTaskMoreThanTwoDeviationsAboveTheMeanIsCritical() {
        assertThat(StatusColor.of(ColumnKind.IN_PROGRESS, 1000, 190, 270)).isEqualTo(StatusColor.CRITICAL); // z = 3
        assertThat(StatusColor.of(ColumnKind.TODO, 100.01, 50, 25)).isEqualTo(StatusColor.CRITICAL);
    }

    @Test
    void aTaskBetweenOneAndTwoDeviationsAboveTheMeanIsAWarning() {
        assertThat(StatusColor.of(ColumnKind.REVIEW, 80, 50, 20)).isEqualTo(StatusColor.WARNING); // z = 1.5
        assertThat(StatusColor.of(ColumnKind.BLOCKED, 90, 50, 20)).isEqualTo(StatusColor.WARNING); // z = 2 exactly
    }

    @Test
    void aTaskAtMostOneDeviationAboveTheMeanIsGood() {
        assertThat(StatusColor.of(ColumnKind.IN_PROGRESS, 70, 50, 20)).isEqualTo(StatusColor.GOOD); // z = 1 exactly
        assertThat(StatusColor.of(ColumnKind.IN_PROGRESS, 10, 50, 20)).isEqualTo(StatusColor.GOOD); // below the mean
    }

    @Test
    void withoutSpreadNothingStandsOut() {
        assertThat(StatusColor.of(ColumnKind.IN_PROGRESS, 500, 500, 0)).isEqualTo(StatusColor.GOOD);
        assertThat(StatusColor.of(ColumnKind.TODO, 500, 500, Double.NaN)).isEqualTo(StatusColor.GOOD);
    }

    @Test
    void backlogAndDoneColumnsAreAlwaysNormal() {
        assertThat(StatusColor.of(ColumnKind.BACKLOG, 1_000_000, 10, 1)).isEqualTo(StatusColor.NORMAL);
        assertThat(StatusColor.of(ColumnKind.DONE, 1_000_000, 10, 1)).isEqualTo(StatusColor.NORMAL);
        assertThat(StatusColor.of(ColumnKind.DONE, 5, 5, 0)).isEqualTo(StatusColor.NORMAL);
    }

    @Test
    void aColumnsScaleNamesTheWaitsWhereItsColourChanges() {
        StatusColor.Scale doing = StatusColor.Scale.of(ColumnKind.IN_PROGRESS, 50, 20);
        assertThat(doing).isEqualTo(new StatusColor.Scale(StatusColor.GOOD, 70.0, 90.0));
        assertThat(doing.colorAt(70)).isEqualTo(StatusColor.GOOD);
        assertThat(doing.colorAt(70.5)).isEqualTo(StatusColor.WARNING);
        assertThat(doing.colorAt(90.5)).isEqualTo(StatusColor.CRITICAL);
        assertThat(StatusColor.Scale.of(ColumnKind.DONE, 50, 20))
                .isEqualTo(new StatusColor.Scale(StatusColor.NORMAL, null, null));
        assertThat(StatusColor.Scale.of(ColumnKind.TODO, 50, 0))
                .isEqualTo(new StatusColor.Scale(StatusColor.GOOD, null, null));
    }

    @Test
    void theWireNameIsLowercase() {
        assertThat(StatusColor.CRITICAL).hasToString("critical");
    }
}
