package dev.agentkanban.notification;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The mention scanner, without Spring or a database. */
class MentionsTest {

    @Test
    void findsEachMentionOnceLowercasedInOrder() {
        assertThat(Mentions.in("@Ann please look, cc @bot-7 and @ann again")).containsExactly("ann", "bot-7");
    }

    @Test
    void sentencePunctuationIsNotPartOfTheName() {
        assertThat(Mentions.in("Thanks @ann. Ask @bob-, then (@carol_x)!")).containsExactly("ann", "bob", "carol_x");
        assertThat(Mentions.in("dotted @first.last.")).containsExactly("first.last");
    }

    @Test
    void emailAddressesAndBareAtSignsAreText() {
        assertThat(Mentions.in("mail ann@example.org or write @ or @@ or @. now"))
                .isEmpty();
        assertThat(Mentions.in(null)).isEmpty();
        assertThat(Mentions.in("")).isEmpty();
    }

    @Test
    void aTextWithTooManyMentionsStopsAtTheLimit() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("@user").append(i).append(' ');
        }
        assertThat(Mentions.in(text.toString())).hasSize(Mentions.MAX).startsWith("user0");
    }

    @Test
    void hostileShapesAreOneScanEach() {
        // the shapes that make backtracking patterns explode: long runs of name characters and @ signs
        // (the scanner moves past each run once; a name longer than any username is no mention)
        String runs = "@" + "a.".repeat(200_000) + "!" + "@".repeat(200_000) + "-".repeat(200_000) + " @end";
        assertThat(Mentions.in(runs)).containsExactly("end");
        assertThat(Mentions.in("x" + "@a".repeat(100_000))).isEmpty();
    }
}
