package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** A deployment that turns seed 002's named sessions off ({@code SESSIONS_ENABLED=false}). */
@TestPropertySource(properties = "kanban.sessions-enabled=false")
class NamedSessionsDisabledTest extends ApiTest {

    @Test
    void aNamedSessionIsRefusedAndMakesNoAccount() {
        Response r = http.anonymous().post("/api/v1/auth/session", obj("username", "some-agent"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("type").asString()).endsWith("/sessions-disabled");
        assertThat(jdbc.sql("select count(*) from users where username = 'some-agent'")
                        .query(Long.class)
                        .single())
                .isZero();
    }
}
