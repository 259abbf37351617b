package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void anIdIsOneToEighteenAsciiDigits() {
        assertThat(Ids.parse("0")).isZero();
        assertThat(Ids.parse("42")).isEqualTo(42L);
        assertThat(Ids.parse("007")).isEqualTo(7L);
        assertThat(Ids.parse("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
    }

    @Test
    void anythingElseIsNotAnId() {
        assertThat(Ids.parse(null)).isNull();
        assertThat(Ids.parse("")).isNull();
        assertThat(Ids.parse("-1")).isNull();
        assertThat(Ids.parse("+1")).isNull();
        assertThat(Ids.parse(" 1")).isNull();
        assertThat(Ids.parse("1 ")).isNull();
        assertThat(Ids.parse("1e3")).isNull();
        assertThat(Ids.parse("To Do")).isNull();
        assertThat(Ids.parse("\u0661\u0662")).as("Arabic-Indic digits").isNull();
        assertThat(Ids.parse("\uff11")).as("a full-width digit").isNull();
        assertThat(Ids.parse("1000000000000000000")).as("19 digits").isNull();
        assertThat(Ids.parse("99999999999999999999")).as("beyond a long").isNull();
    }
}
