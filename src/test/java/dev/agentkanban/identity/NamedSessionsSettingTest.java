package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code SESSIONS_ENABLED}: on by default (SPEC §4: "can be disabled"), except in production. */
class NamedSessionsSettingTest {

    @Test
    void byDefaultNamedSessionsAreOnExceptInProductionWhereDemoDataTurnsThemOn() {
        assertThat(Identities.namedSessions("auto", false, "development")).isTrue();
        assertThat(Identities.namedSessions("auto", false, "production")).isFalse();
        assertThat(Identities.namedSessions("AUTO", false, "Prod")).isFalse();
        assertThat(Identities.namedSessions("auto", true, "production")).isTrue();
    }

    @Test
    void anExplicitSettingWinsInEveryEnvironment() {
        assertThat(Identities.namedSessions("false", true, "development")).isFalse();
        assertThat(Identities.namedSessions(" FALSE ", false, "development")).isFalse();
        assertThat(Identities.namedSessions("true", false, "production")).isTrue();
    }
}
