package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker's agents read task titles and descriptions written by anyone: each pattern, fed 1 MB
 * shaped to make it backtrack, finishes far within the hang guard (issue 12).
 */
class AgentsHostileTextTest {

    static final int MB = 1 << 20;
    static final Duration GUARD = Duration.ofSeconds(10);

    @Test
    void checklistCountIsLinearOnBlankLines() {
        long items = assertTimeoutPreemptively(GUARD, () -> Agents.Actions.checklistItems("\n".repeat(MB) + "x"));
        assertThat(items).isZero();
        assertThat(Agents.Actions.checklistItems("- [ ] a\n  * [x] b\n\n- [ ] c"))
                .isEqualTo(3);
    }

    @Test
    void trailingPunctuationIsCutInLinearTime() {
        String title = assertTimeoutPreemptively(
                GUARD, () -> Agents.Title.withoutTrailingPunctuation("a" + ". ".repeat(MB / 2) + "b"));
        assertThat(title).endsWith("b");
        assertThat(Agents.Title.withoutTrailingPunctuation("Fix the login page!!! "))
                .isEqualTo("Fix the login page");
    }

    @Test
    void firstSentenceIsLinear() {
        assertTimeoutPreemptively(GUARD, () -> Agents.Title.firstSentence("#" + " ".repeat(MB) + "\u2028x"));
        assertTimeoutPreemptively(GUARD, () -> Agents.Title.firstSentence("a".repeat(MB)));
        assertTimeoutPreemptively(GUARD, () -> Agents.Title.firstSentence(". ".repeat(MB / 2)));
    }

    @Test
    void keywordSearchIsLinear() {
        assertTimeoutPreemptively(GUARD, () -> Agents.firstWord("fi".repeat(MB / 2), List.of("fix", "bug", "broken")));
    }
}
