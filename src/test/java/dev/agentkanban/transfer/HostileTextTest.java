package dev.agentkanban.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every text reader of the transfer feature that sees user input, fed 1 MB shaped to make a
 * backtracking pattern or a per-candidate copy blow up (issue 12: a TODO.md line with 1,600 inner
 * spaces took 4.7 s, cubic in the spaces). The bound is a hang guard, far above the milliseconds a
 * linear reader needs, not a benchmark.
 */
class HostileTextTest {

    static final int MB = 1 << 20;
    static final Duration GUARD = Duration.ofSeconds(10);

    static String spaces(int n) {
        return " ".repeat(n);
    }

    static Stream<Arguments> todoFiles() {
        return Stream.of(
                Arguments.of("inner spaces (the reported line)", "## To Do\n- [ ] a" + spaces(MB) + "b"),
                Arguments.of(
                        "spaces before a checkbox suffix that never closes",
                        "## To Do\n- [ ] a" + spaces(MB / 2) + "-" + spaces(MB / 2) + "[ "),
                Arguments.of(
                        "spaces before an id suffix that never closes", "## To Do\n- [ ] a" + spaces(MB) + "(id: 12"),
                Arguments.of(
                        "spaces before a priority suffix that never closes",
                        "## To Do\n- [ ] a" + spaces(MB) + "(high"),
                Arguments.of("spaces then a line separator", "## To Do\n- [ ]" + spaces(MB) + "\u2028x"),
                Arguments.of("a line of braces", "## To Do\n- [ ] a " + "{".repeat(MB) + "}"),
                Arguments.of("braces with spaces", "## To Do\n- [ ] a " + "{ ".repeat(MB / 2) + "}"),
                Arguments.of(
                        "deeply nested JSON metadata",
                        "## To Do\n- [ ] a " + "{\"a\":".repeat(MB / 5) + "1" + "}".repeat(10)),
                Arguments.of(
                        "many small task lines",
                        "## To Do\n" + "- [ ] t (high) {\"epic\": \"e\"} [x] (id:1)\n".repeat(MB / 40)),
                Arguments.of("bullets and brackets", "- [" + "- [ ".repeat(MB / 4)),
                Arguments.of("fence markers", "```\n".repeat(MB / 4)),
                Arguments.of("headings of spaces", ("##" + spaces(1000) + "\n").repeat(MB / 1000)));
    }

    @ParameterizedTest(name = "TODO.md: {0}")
    @MethodSource("todoFiles")
    void todoMarkdownReadsHostileFilesInLinearTime(String shape, String file) {
        TodoMarkdown.Document doc = assertTimeoutPreemptively(GUARD, () -> TodoMarkdown.parse(file));
        assertThat(doc).isNotNull();
    }

    @ParameterizedTest(name = "CSV: {0}")
    @MethodSource("csvFiles")
    void csvReadsHostileFilesInLinearTime(String shape, String file) {
        assertTimeoutPreemptively(GUARD, () -> {
            try {
                Csv.parse(file);
            } catch (Csv.MalformedCsv expected) {
                // refused is fine; it must only be refused quickly
            }
        });
    }

    static Stream<Arguments> csvFiles() {
        return Stream.of(
                Arguments.of("one huge quoted field", "\"" + "a".repeat(MB)),
                Arguments.of("doubled quotes", "\"" + "\"\"".repeat(MB / 2) + "\""),
                Arguments.of("commas", ",".repeat(MB)),
                Arguments.of("line breaks", "\r\n".repeat(MB / 2)),
                Arguments.of("formula look-alikes", ("'''=" + ",").repeat(MB / 5)));
    }

    @ParameterizedTest(name = "file name: {0}")
    @MethodSource("names")
    void boardNamesBecomeFileNamesInLinearTime(String shape, String name) {
        String file = assertTimeoutPreemptively(GUARD, () -> TransferController.filename(name));
        assertThat(file).doesNotStartWith("-").doesNotEndWith("-");
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("dashes then a letter", "-".repeat(MB) + "x"),
                Arguments.of("a letter then dashes then a letter", "x" + "-".repeat(MB) + "x"),
                Arguments.of("punctuation", "!?".repeat(MB / 2)));
    }

    @ParameterizedTest(name = "Trello colour: {0}")
    @MethodSource("colors")
    void trelloColoursAreReadInLinearTime(String shape, String color) {
        assertTimeoutPreemptively(GUARD, () -> TrelloImport.baseColor(color));
    }

    static Stream<Arguments> colors() {
        return Stream.of(
                Arguments.of("underscores", "_".repeat(MB)), Arguments.of("shades", "_dark".repeat(MB / 5) + "x"));
    }
}
