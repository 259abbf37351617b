package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import org.junit.jupiter.api.Test;

class PrefixQueryTest {

    @Test
    void eachWordBecomesARequiredWordStartAndNothingElseReachesTheQuerySyntax() {
        assertThat(TaskQueries.prefixQuery("sear  zebra")).isEqualTo("'sear':* & 'zebra':*");
        assertThat(TaskQueries.prefixQuery("follow-up O'Brien")).isEqualTo("'follow':* & 'up':* & 'O':* & 'Brien':*");
        assertThat(TaskQueries.prefixQuery("a') | !('1 \\\\ :* <->")).isEqualTo("'a':* & '1':*");
        assertThat(TaskQueries.prefixQuery("café naïve 日本語")).isEqualTo("'café':* & 'naïve':* & '日本語':*");
        assertThat(TaskQueries.prefixQuery("cafe\u0301")).isEqualTo("'cafe\u0301':*");
        assertThat(TaskQueries.prefixQuery("x\uD83D\uDE00y")).isEqualTo("'x':* & 'y':*");
        assertThat(TaskQueries.prefixQuery("  ,;  ")).isEmpty();
        String many = String.join(" ", Collections.nCopies(TaskQueries.MAX_PREFIX_WORDS + 5, "w"));
        assertThat(TaskQueries.prefixQuery(many).split(" & ")).hasSize(TaskQueries.MAX_PREFIX_WORDS);
    }

    @Test
    void theSearchSyntaxIsLeftToTheWordsAsTyped() {
        assertThat(TaskQueries.prefixQuery("\"release notes\"")).isEmpty();
        assertThat(TaskQueries.prefixQuery("-session")).isEmpty();
        assertThat(TaskQueries.prefixQuery("login -session")).isEmpty();
        assertThat(TaskQueries.prefixQuery("billing OR session")).isEmpty();
        assertThat(TaskQueries.prefixQuery("order origin")).isEqualTo("'order':* & 'origin':*");
        assertThat(TaskQueries.prefixQuery("re-open")).isEqualTo("'re':* & 'open':*");
    }
}
