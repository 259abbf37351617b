package dev.agentkanban.platform;

/**
 * The cells of every CSV the service writes (exports, the security log, analytics tables): RFC 4180
 * quoting, and the guard against formula injection (OWASP "CSV Injection"). A spreadsheet runs a cell
 * that begins with {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return as a formula
 * ({@code =HYPERLINK(...)}); a text cell of that shape gets an apostrophe before it, which spreadsheets
 * show as text. So that reading back is lossless, a value that is apostrophes followed by one of those
 * characters gets one apostrophe more as well (the CSV import takes exactly one off such cells).
 */
public final class CsvCells {

    /** The characters a spreadsheet takes as the start of a formula. */
    public static final String FORMULA_START = "=+-@\t\r";

    private CsvCells() {}

    /** Apostrophes (none or more), then a formula character. */
    public static boolean formulaShaped(String value) {
        int i = 0;
        while (i < value.length() && value.charAt(i) == '\'') {
            i++;
        }
        return i < value.length() && FORMULA_START.indexOf(value.charAt(i)) >= 0;
    }

    /** The value as a cell no spreadsheet runs: one apostrophe more when it is formula-shaped. */
    public static String neutralise(String value) {
        return formulaShaped(value) ? "'" + value : value;
    }

    /** The value as an RFC 4180 field: quoted, quotes doubled, when it holds a comma, a quote, CR or LF. */
    public static String quoted(String value) {
        boolean quote = value.indexOf(',') >= 0
                || value.indexOf('"') >= 0
                || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** A text cell: neutralised, then quoted (null: empty). */
    public static String text(String value) {
        return value == null ? "" : quoted(neutralise(value));
    }

    /** A cell of any value: a number as it is (a negative one is not a formula), anything else as text. */
    public static String of(Object value) {
        return value instanceof Number n
                ? quoted(String.valueOf(n))
                : text(value == null ? null : String.valueOf(value));
    }
}
