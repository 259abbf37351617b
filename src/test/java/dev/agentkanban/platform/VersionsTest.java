package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The If-Match / If-None-Match parser every write shares (RFC 9110 §13.1.1-2), without a server. */
class VersionsTest {

    @Test
    void noHeaderOrIfMatchStarIsNoPrecondition() {
        assertThat(Versions.parse(null, null)).isNull();
        assertThat(Versions.parse(" ", "")).isNull();
        assertThat(Versions.parse("*", null)).isNull();
    }

    @Test
    void anIfMatchListHoldsWhenAnyListedVersionIsCurrent() {
        Precondition p = Versions.parse("\"3\", W/\"4\",, 5", null);
        assertThat(p.holds(3)).isTrue();
        assertThat(p.holds(4)).isTrue();
        assertThat(p.holds(5)).isTrue();
        assertThat(p.holds(6)).isFalse();
    }

    @Test
    void ifNoneMatchStarNeverHoldsForAnExistingResourceAndAListExcludesItsVersions() {
        assertThat(Versions.parse(null, "*").holds(1)).isFalse();
        assertThat(Versions.parse("*", "*").holds(1)).isFalse();
        Precondition p = Versions.parse("\"2\", \"3\"", "\"3\"");
        assertThat(p.holds(2)).isTrue();
        assertThat(p.holds(3)).isFalse();
    }

    @Test
    void aStaleListFailsWithTheCurrentVersion() {
        assertThatThrownBy(() -> Versions.check(Versions.parse("\"1\", \"2\"", null), 4))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.getMessage()).contains("\"1\", \"2\"").contains("4"));
    }

    @Test
    void somethingThatIsNotAListOfVersionEtagsIsABadRequest() {
        for (String bad : new String[] {"\"abc\"", "\"1\", x", "*, \"1\"", ",", "\"-1\""}) {
            assertThatThrownBy(() -> Versions.parse(bad, null))
                    .as(bad)
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("If-Match");
        }
        assertThatThrownBy(() -> Versions.parse(null, "\"x\"")).hasMessageContaining("If-None-Match");
    }
}
