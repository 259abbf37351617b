package dev.agentkanban.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.transfer.Csv.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 reading and writing without a database. */
class CsvTest {

    @Test
    void fieldsWithCommasQuotesAndLineBreaksAreQuotedAndReadBack() {
        List<String> fields = List.of("plain", "a, b", "say \"hi\"", "two\nlines", "crlf\r\nline", "", "日本語, ü");
        String text = Csv.record(fields) + Csv.record(List.of("x", "y"));

        assertThat(text)
                .startsWith("plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\"crlf\r\nline\",,\"日本語, ü\"\r\n");
        List<Row> rows = Csv.parse(text);
        assertThat(rows).extracting(Row::fields).containsExactly(fields, List.of("x", "y"));
        assertThat(rows).extracting(Row::line).containsExactly(1, 4);
    }

    @Test
    void lfLineEndsByteOrderMarkAndBlankLinesAreAccepted() {
        List<Row> rows = Csv.parse("\uFEFFa,b\n\n1,2\n3,\n");

        assertThat(rows)
                .extracting(Row::fields)
                .containsExactly(List.of("a", "b"), List.of("1", "2"), List.of("3", ""));
    }

    @Test
    void aLastRecordWithoutLineEndAndAnEmptyQuotedFieldAreRecords() {
        assertThat(Csv.parse("a\r\n\"\"")).extracting(Row::fields).containsExactly(List.of("a"), List.of(""));
    }

    @Test
    void anUnclosedQuoteOrTextAfterAClosingQuoteIsMalformed() {
        assertThatThrownBy(() -> Csv.parse("a,b\r\n1,\"open\r\n"))
                .isInstanceOf(Csv.MalformedCsv.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> Csv.parse("\"x\"y,1"))
                .isInstanceOf(Csv.MalformedCsv.class)
                .hasMessageContaining("after a closing quote");
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsText() {
        assertThat(Csv.parse("5\" screen,ok").getFirst().fields()).containsExactly("5\" screen", "ok");
    }

    @Test
    void formulaShapedValuesGetOneApostropheAndLoseItWhenRead() {
        List<String> values = List.of(
                "=1+1", "+1", "-1", "@cmd", "\tx", "\rx", "'=1", "''-x", "'", "''", "'plain", "plain", "", "a=b",
                "x-y");
        String text = Csv.record(values);

        assertThat(Csv.parseRaw(text).getFirst().fields())
                .containsExactly(
                        "'=1+1", "'+1", "'-1", "'@cmd", "'\tx", "'\rx", "''=1", "'''-x", "'", "''", "'plain", "plain",
                        "", "a=b", "x-y");
        assertThat(Csv.parse(text).getFirst().fields()).isEqualTo(values);
    }

    @Test
    void aSpreadsheetsOwnApostropheBeforeAFormulaCharacterIsTakenOff() {
        assertThat(Csv.parse("'=SUM(A1),'plain,'-3\r\n").getFirst().fields())
                .containsExactly("=SUM(A1)", "'plain", "-3");
    }
}
