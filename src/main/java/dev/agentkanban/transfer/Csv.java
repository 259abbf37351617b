package dev.agentkanban.transfer;

import dev.agentkanban.platform.CsvCells;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: records end with CRLF; a field holding a comma, a quote, CR or LF is quoted, with its
 * quotes doubled. The reader also takes LF-only line ends and a leading byte-order mark, and keeps
 * line breaks inside quoted fields as they were.
 *
 * <p>Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that begins with {@code =},
 * {@code +}, {@code -}, {@code @}, tab or carriage return as a formula ({@code =HYPERLINK(...)}). The
 * writer puts an apostrophe before such a value, which spreadsheets show as text. So that reading back
 * is lossless, a value that is apostrophes followed by one of those characters gets one apostrophe
 * more as well, and the reader takes exactly one apostrophe off every cell of that shape. Any other
 * value, including one that starts with an apostrophe followed by anything else, is written and read
 * unchanged.
 */
final class Csv {

    private Csv() {}

    /** A record and the (1-based) line it starts on. */
    record Row(int line, List<String> fields) {}

    /** The input is not CSV; {@code line} is where the reader gave up. */
    static final class MalformedCsv extends RuntimeException {
        final int line;

        MalformedCsv(int line, String message) {
            super("line " + line + ": " + message);
            this.line = line;
        }
    }

    static String record(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(CsvCells.text(fields.get(i)));
        }
        return out.append("\r\n").toString();
    }

    /** The value {@link CsvCells#neutralise} was given: one apostrophe less on a cell that starts with one and is formula-shaped. */
    static String restore(String cell) {
        return cell.startsWith("'") && CsvCells.formulaShaped(cell) ? cell.substring(1) : cell;
    }

    /** All records, formula-shaped cells restored (see {@link #restore}); a blank line between records is skipped. */
    static List<Row> parse(String text) {
        return read(text, true);
    }

    /** All records with their cells exactly as the file holds them. */
    static List<Row> parseRaw(String text) {
        return read(text, false);
    }

    private static List<Row> read(String text, boolean restore) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int rowStart = 1;
        boolean quoted = false;
        boolean afterQuote = false; // a quoted field just closed: only a separator may follow
        boolean fieldStarted = false;
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        int n = text.length();
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            if (c == ',') {
                fields.add(restore ? restore(field.toString()) : field.toString());
                field.setLength(0);
                afterQuote = false;
                fieldStarted = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (fieldStarted || !field.isEmpty() || !fields.isEmpty() || afterQuote) {
                    fields.add(restore ? restore(field.toString()) : field.toString());
                    rows.add(new Row(rowStart, List.copyOf(fields)));
                }
                fields.clear();
                field.setLength(0);
                afterQuote = false;
                fieldStarted = false;
                line++;
                rowStart = line;
            } else if (afterQuote) {
                throw new MalformedCsv(
                        line,
                        "unexpected '" + c + "' after a closing quote (a quote inside a field is written as two)");
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
                fieldStarted = true;
            } else {
                field.append(c);
                fieldStarted = true;
            }
        }
        if (quoted) {
            throw new MalformedCsv(rowStart, "a quoted field is never closed");
        }
        if (fieldStarted || !field.isEmpty() || !fields.isEmpty() || afterQuote) {
            fields.add(restore ? restore(field.toString()) : field.toString());
            rows.add(new Row(rowStart, List.copyOf(fields)));
        }
        return rows;
    }
}
