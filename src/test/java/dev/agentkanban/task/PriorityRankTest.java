package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The order of priorities has one owner (the enum); SQL and clients follow it. */
class PriorityRankTest extends ApiTest {

    @Test
    void theDatabaseRanksPrioritiesInTheEnumsOrder() {
        for (Priority p : Priority.values()) {
            Integer rank = jdbc.sql("select priority_rank(:p)")
                    .param("p", p.toString())
                    .query(Integer.class)
                    .single();
            assertThat(rank).as("priority_rank(%s)", p).isEqualTo(p.ordinal() + 1);
        }
    }

    @Test
    void clientsReadTheOrderFromTheApi() {
        assertThat(http.get("/api/v1/priorities")
                        .json()
                        .valueStream()
                        .map(n -> n.asString())
                        .toList())
                .containsExactlyElementsOf(
                        Arrays.stream(Priority.values()).map(Priority::toString).toList());
    }
}
