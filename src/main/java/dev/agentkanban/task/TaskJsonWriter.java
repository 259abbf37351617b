package dev.agentkanban.task;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import org.postgresql.PGResultSetMetaData;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the API's JSON of the tasks a read's statement returns ({@link #COLUMNS}), as the service's
 * mapper writes a {@link TaskView}, from the column values as the driver received them (issue #19): the
 * strings' UTF-8 bytes escaped as the mapper escapes them, the numbers and instants as PostgreSQL sent
 * them in binary (the driver asks for binary once a statement is prepared: no text for PostgreSQL to
 * format, none for the service to parse). Writing the JSON text in the statement instead (V44's
 * functions) cost PostgreSQL more than this costs the service. {@code TaskJsonTest} compares the two
 * byte for byte on a varied database.
 *
 * <p>One writer per statement's result (it learns the columns' formats from the first row).
 */
final class TaskJsonWriter {

    /**
     * The view's columns (alias t for the rows, c for the column, p for TaskQueries' parts) the writer reads,
     * in its order. The tags (from the row, V62), blockers and assignees come as JSON arrays (short: names
     * and titles), the metadata and custom field values as the client's JSON for the mapper to rewrite. The
     * time in the column is counted here from the statement's {@code now()} and the column's entry (as
     * {@code greatest(0, extract(epoch from now() - column_entered_at))::bigint} counts it, without that
     * numeric arithmetic on every row: issue #19).
     */
    static final String COLUMNS = """
            select t.id, t.workspace_id, t.board_id, t.column_id, c.name as column_name, t.position, t.title,
                   t.description, t.acceptance_criteria, t.status, t.cancel_reason, t.priority, t.epic, t.area,
                   t.owner, t.assignee, t.created_by, t.claimed_by, t.claim_expires_at, t.due_date,
                   coalesce(t.due_date < now() and t.status in ('pending', 'in_progress'), false) as overdue,
                   t.occurrence_count, nullif(t.metadata, '{}'::jsonb)::text as metadata, t.version, t.created_at,
                   t.updated_at, t.column_entered_at, t.completed_at, t.archived_at,
                   now() as now,
                   p.comment_count, t.tags_json as tags, p.blockers, p.parent_id, p.subtasks_done, p.subtasks_total,
                   p.items_done, p.items_total, p.assignees, p.fields::text as fields""";

    /** The number of columns of {@link #COLUMNS}; a statement's columns after them are its own. */
    static final int COLUMN_COUNT = 40;

    /** The column of the task's version (its ETag). */
    static final int VERSION_COLUMN = 24;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for binary timestamps. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private final JsonMapper json;
    /** Whether each column came in binary (index 1 to {@link #COLUMN_COUNT}), known from the first row. */
    private boolean[] binary;

    TaskJsonWriter(JsonMapper json) {
        this.json = json;
    }

    /** The names and punctuation before each value, as bytes. */
    private static final byte[] ID = ascii("{\"id\":");

    private static final byte[] WORKSPACE_ID = ascii(",\"workspace_id\":");
    private static final byte[] BOARD_ID = ascii(",\"board_id\":");
    private static final byte[] COLUMN_ID = ascii(",\"column_id\":");
    private static final byte[] COLUMN = ascii(",\"column\":");
    private static final byte[] POSITION = ascii(",\"position\":");
    private static final byte[] TITLE = ascii(",\"title\":");
    private static final byte[] DESCRIPTION = ascii(",\"description\":");
    private static final byte[] ACCEPTANCE_CRITERIA = ascii(",\"acceptance_criteria\":");
    private static final byte[] STATUS = ascii(",\"status\":");
    private static final byte[] CANCEL_REASON = ascii(",\"cancel_reason\":");
    private static final byte[] PRIORITY = ascii(",\"priority\":");
    private static final byte[] EPIC = ascii(",\"epic\":");
    private static final byte[] AREA = ascii(",\"area\":");
    private static final byte[] OWNER = ascii(",\"owner\":");
    private static final byte[] ASSIGNEE = ascii(",\"assignee\":");
    private static final byte[] CREATED_BY = ascii(",\"created_by\":");
    private static final byte[] CLAIMED_BY = ascii(",\"claimed_by\":");
    private static final byte[] CLAIM_EXPIRES_AT = ascii(",\"claim_expires_at\":");
    private static final byte[] DUE_DATE = ascii(",\"due_date\":");
    private static final byte[] OVERDUE = ascii(",\"overdue\":");
    private static final byte[] OCCURRENCE_COUNT = ascii(",\"occurrence_count\":");
    private static final byte[] METADATA = ascii(",\"metadata\":");
    private static final byte[] VERSION = ascii(",\"version\":");
    private static final byte[] CREATED_AT = ascii(",\"created_at\":");
    private static final byte[] UPDATED_AT = ascii(",\"updated_at\":");
    private static final byte[] COLUMN_ENTERED_AT = ascii(",\"column_entered_at\":");
    private static final byte[] COMPLETED_AT = ascii(",\"completed_at\":");
    private static final byte[] ARCHIVED_AT = ascii(",\"archived_at\":");
    private static final byte[] TIME_IN_COLUMN_SECONDS = ascii(",\"time_in_column_seconds\":");
    private static final byte[] COMMENT_COUNT = ascii(",\"comment_count\":");
    private static final byte[] TAGS = ascii(",\"tags\":");
    private static final byte[] PARENT_ID = ascii(",\"parent_id\":");
    private static final byte[] SUBTASKS_DONE = ascii(",\"subtasks\":{\"done\":");
    private static final byte[] TOTAL = ascii(",\"total\":");
    private static final byte[] CHECKLIST_DONE = ascii("},\"checklist\":{\"done\":");
    private static final byte[] ASSIGNEES = ascii("},\"assignees\":");
    private static final byte[] FIELDS = ascii(",\"fields\":");
    private static final byte[] NOT_BLOCKED = ascii(",\"blocked\":false,\"blockers\":");
    private static final byte[] BLOCKED = ascii(",\"blocked\":true,\"blockers\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] EMPTY_ARRAY = ascii("[]");
    private static final byte[] EMPTY_OBJECT = ascii("{}");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends the task of the result's current row. */
    JsonBytes write(JsonBytes out, ResultSet rs) throws SQLException {
        if (binary == null) {
            binary = formats(rs);
        }
        out.append(ID);
        number(out, rs, 1);
        out.append(WORKSPACE_ID);
        number(out, rs, 2);
        out.append(BOARD_ID);
        number(out, rs, 3);
        out.append(COLUMN_ID);
        number(out, rs, 4);
        out.append(COLUMN);
        string(out, rs, 5);
        out.append(POSITION);
        numberOrZero(out, rs, 6);
        out.append(TITLE);
        string(out, rs, 7);
        out.append(DESCRIPTION);
        string(out, rs, 8);
        out.append(ACCEPTANCE_CRITERIA);
        string(out, rs, 9);
        out.append(STATUS);
        string(out, rs, 10);
        out.append(CANCEL_REASON);
        string(out, rs, 11);
        out.append(PRIORITY);
        string(out, rs, 12);
        out.append(EPIC);
        string(out, rs, 13);
        out.append(AREA);
        string(out, rs, 14);
        out.append(OWNER);
        string(out, rs, 15);
        out.append(ASSIGNEE);
        string(out, rs, 16);
        out.append(CREATED_BY);
        string(out, rs, 17);
        out.append(CLAIMED_BY);
        string(out, rs, 18);
        out.append(CLAIM_EXPIRES_AT);
        instant(out, rs, 19);
        out.append(DUE_DATE);
        instant(out, rs, 20);
        out.append(OVERDUE);
        bool(out, rs, 21);
        out.append(OCCURRENCE_COUNT);
        numberOrZero(out, rs, 22);
        out.append(METADATA);
        object(out, rs.getBytes(23));
        out.append(VERSION);
        number(out, rs, 24);
        out.append(CREATED_AT);
        instant(out, rs, 25);
        out.append(UPDATED_AT);
        instant(out, rs, 26);
        out.append(COLUMN_ENTERED_AT);
        instant(out, rs, 27);
        out.append(COMPLETED_AT);
        instant(out, rs, 28);
        out.append(ARCHIVED_AT);
        instant(out, rs, 29);
        out.append(TIME_IN_COLUMN_SECONDS);
        out.append(secondsBetween(micros(rs, 27), micros(rs, 30)));
        out.append(COMMENT_COUNT);
        numberOrZero(out, rs, 31);
        out.append(TAGS);
        array(out, rs.getBytes(32));
        byte[] blockers = rs.getBytes(33);
        out.append(blockers == null ? NOT_BLOCKED : BLOCKED);
        array(out, blockers);
        out.append(PARENT_ID);
        numberOrNull(out, rs, 34);
        out.append(SUBTASKS_DONE);
        numberOrZero(out, rs, 35);
        out.append(TOTAL);
        numberOrZero(out, rs, 36);
        out.append(CHECKLIST_DONE);
        numberOrZero(out, rs, 37);
        out.append(TOTAL);
        numberOrZero(out, rs, 38);
        out.append(ASSIGNEES);
        array(out, rs.getBytes(39));
        out.append(FIELDS);
        object(out, rs.getBytes(40));
        return out.append('}');
    }

    private static boolean[] formats(ResultSet rs) throws SQLException {
        PGResultSetMetaData meta = rs.getMetaData().unwrap(PGResultSetMetaData.class);
        boolean[] binary = new boolean[COLUMN_COUNT + 1];
        for (int i = 1; i <= COLUMN_COUNT; i++) {
            binary[i] = meta.getFormat(i) == 1;
        }
        return binary;
    }

    private void number(JsonBytes out, ResultSet rs, int column) throws SQLException {
        byte[] v = rs.getBytes(column);
        if (v == null) {
            throw new SQLException("column " + column + " is null");
        }
        number(out, v, column);
    }

    private void numberOrZero(JsonBytes out, ResultSet rs, int column) throws SQLException {
        byte[] v = rs.getBytes(column);
        if (v == null) {
            out.append('0');
        } else {
            number(out, v, column);
        }
    }

    private void numberOrNull(JsonBytes out, ResultSet rs, int column) throws SQLException {
        byte[] v = rs.getBytes(column);
        if (v == null) {
            out.append(NULL);
        } else {
            number(out, v, column);
        }
    }

    /** An integer: its text as it is (PostgreSQL writes integers as JSON does), or its binary value. */
    private void number(JsonBytes out, byte[] v, int column) {
        if (!binary[column]) {
            out.append(v);
            return;
        }
        long n = bigEndian(v);
        if (v.length == 4) {
            n = (int) n;
        } else if (v.length == 2) {
            n = (short) n;
        }
        out.append(n);
    }

    /** A binary value as PostgreSQL sends it: big-endian, two's complement. */
    private static long bigEndian(byte[] v) {
        long n = 0;
        for (byte b : v) {
            n = (n << 8) | (b & 0xff);
        }
        return n;
    }

    private void bool(JsonBytes out, ResultSet rs, int column) throws SQLException {
        byte[] v = rs.getBytes(column);
        boolean b = v != null && (binary[column] ? v[0] != 0 : v[0] == 't');
        out.append(b ? TRUE : FALSE);
    }

    private void instant(JsonBytes out, ResultSet rs, int column) throws SQLException {
        byte[] v = rs.getBytes(column);
        if (v == null) {
            out.append(NULL);
        } else if (binary[column] && v.length == 8) {
            instant(out, bigEndian(v) + PG_EPOCH_MICROS);
        } else {
            OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
            out.append(json.writeValueAsBytes(t.toInstant()));
        }
    }

    /** A timestamp column in microseconds since 1970, or null. */
    private Long micros(ResultSet rs, int column) throws SQLException {
        byte[] v = rs.getBytes(column);
        if (v == null) {
            return null;
        }
        if (binary[column] && v.length == 8) {
            return bigEndian(v) + PG_EPOCH_MICROS;
        }
        Instant t = rs.getObject(column, OffsetDateTime.class).toInstant();
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    /**
     * The whole seconds from {@code from} to {@code to} (microseconds), as
     * {@code greatest(0, extract(epoch from to - from))::bigint} counts them: none when {@code from} is null
     * or not before {@code to}, else rounded half up (numeric's cast to bigint rounds half away from zero).
     */
    static long secondsBetween(Long from, long to) {
        if (from == null || from >= to) {
            return 0;
        }
        long micros = to - from;
        return micros / 1_000_000L + (micros % 1_000_000L >= 500_000L ? 1 : 0);
    }

    /**
     * An instant given in microseconds since 1970 as the mapper writes it ({@code DateTimeFormatter.ISO_INSTANT}:
     * the fraction in groups of three digits, none when zero); years outside 1 to 9999 (written with a
     * sign) by the mapper itself.
     */
    void instant(JsonBytes out, long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        int micros = (int) Math.floorMod(epochMicros, 1_000_000L);
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // the civil date of a day count (H. Hinnant's days_from_civil, inverted)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 1 || year > 9999) {
            out.append(json.writeValueAsBytes(Instant.ofEpochSecond(seconds, micros * 1000L)));
            return;
        }
        // "yyyy-mm-ddThh:mm:ss.ffffffZ": at most 29 bytes, written in place
        out.room(29);
        byte[] b = out.bytes;
        int p = out.length;
        b[p] = '"';
        twoDigits(b, p + 1, (int) year / 100);
        twoDigits(b, p + 3, (int) year % 100);
        b[p + 5] = '-';
        twoDigits(b, p + 6, month);
        b[p + 8] = '-';
        twoDigits(b, p + 9, day);
        b[p + 11] = 'T';
        twoDigits(b, p + 12, secondOfDay / 3600);
        b[p + 14] = ':';
        twoDigits(b, p + 15, secondOfDay / 60 % 60);
        b[p + 17] = ':';
        twoDigits(b, p + 18, secondOfDay % 60);
        p += 20;
        if (micros != 0) {
            b[p++] = '.';
            int millis = micros / 1000;
            b[p++] = (byte) ('0' + millis / 100);
            twoDigits(b, p, millis % 100);
            p += 2;
            int rest = micros % 1000;
            if (rest != 0) {
                b[p++] = (byte) ('0' + rest / 100);
                twoDigits(b, p, rest % 100);
                p += 2;
            }
        }
        b[p] = 'Z';
        b[p + 1] = '"';
        out.length = p + 2;
    }

    /** The two digits of 0 to 99, as ASCII, by value. */
    private static final byte[] TWO_DIGITS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            TWO_DIGITS[2 * i] = (byte) ('0' + i / 10);
            TWO_DIGITS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private static void twoDigits(byte[] b, int at, int n) {
        b[at] = TWO_DIGITS[2 * n];
        b[at + 1] = TWO_DIGITS[2 * n + 1];
    }

    /** A string (the column's UTF-8 text) as the mapper escapes it, or null. */
    private static void string(JsonBytes out, ResultSet rs, int column) throws SQLException {
        byte[] v = rs.getBytes(column);
        if (v == null) {
            out.append(NULL);
        } else {
            string(out, v);
        }
    }

    /** How the mapper escapes an ASCII character: 0 not at all, -1 as a back-slash, u and four hex digits. */
    private static final int[] ESCAPES = new int[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    private static final byte[] HEX = ascii("0123456789ABCDEF");

    /**
     * UTF-8 TEXT as a JSON string, as the mapper writes it: quotes, back-slashes and control characters
     * escaped (the hex in upper case), everything else as it is (no byte of a character outside ASCII is
     * an ASCII byte).
     */
    static void string(JsonBytes out, byte[] text) {
        out.append('"');
        int from = 0;
        for (int i = 0; i < text.length; i++) {
            int b = text[i];
            if (b < 0 || ESCAPES[b] == 0) {
                continue;
            }
            out.append(text, from, i);
            from = i + 1;
            int e = ESCAPES[b];
            if (e > 0) {
                out.append('\\').append((char) e);
            } else {
                out.append("\\u00").append((char) HEX[b >> 4]).append((char) HEX[b & 0xf]);
            }
        }
        out.append(text, from, text.length);
        out.append('"');
    }

    /** A JSON array a part wrote (PostgreSQL's hex escapes upper-cased), or an empty one. */
    private static void array(JsonBytes out, byte[] v) {
        if (v == null) {
            out.append(EMPTY_ARRAY);
        } else {
            out.append(upperCaseHexEscapes(v));
        }
    }

    /** A JSON object the mapper writes from TEXT (the client's JSON, its numbers as the mapper writes them), or {}. */
    private void object(JsonBytes out, byte[] text) {
        if (text == null) {
            out.append(EMPTY_OBJECT);
        } else {
            out.append(json.writeValueAsBytes(json.readValue(text, MAP)));
        }
    }

    /**
     * PostgreSQL's to_json writes a control character without a short escape with lower-case hex (a
     * back-slash, u, 001b), the mapper with upper-case hex (001B): upper-cases, in place, the hex digits of
     * every such escape in JSON (UTF-8: no byte of a character outside ASCII is an ASCII byte). An escaped
     * back-slash (two back-slashes) is skipped as a pair, so a back-slash and u that a client wrote stay as
     * they are.
     */
    static byte[] upperCaseHexEscapes(byte[] json) {
        for (int i = 0; i < json.length - 1; i++) {
            if (json[i] != '\\') {
                continue;
            }
            if (json[i + 1] == 'u') {
                for (int k = i + 2; k < i + 6 && k < json.length; k++) {
                    if (json[k] >= 'a' && json[k] <= 'f') {
                        json[k] -= 'a' - 'A';
                    }
                }
                i += 5;
            } else {
                i++;
            }
        }
        return json;
    }

    /**
     * The response being written, as UTF-8 bytes: the statement's text is taken as the bytes the driver
     * received (no decoding into strings, no encoding back).
     */
    static final class JsonBytes {
        private byte[] bytes;
        private int length;

        JsonBytes(int capacity) {
            bytes = new byte[capacity];
        }

        JsonBytes append(byte[] b) {
            return append(b, 0, b.length);
        }

        JsonBytes append(byte[] b, int from, int to) {
            int n = to - from;
            room(n);
            System.arraycopy(b, from, bytes, length, n);
            length += n;
            return this;
        }

        /** Appends ASCII text (JSON punctuation, names and numbers). */
        JsonBytes append(String ascii) {
            int n = ascii.length();
            room(n);
            for (int i = 0; i < n; i++) {
                bytes[length++] = (byte) ascii.charAt(i);
            }
            return this;
        }

        /** Appends a number's digits. */
        JsonBytes append(long n) {
            if (n < 0) {
                if (n == Long.MIN_VALUE) {
                    return append(Long.toString(n));
                }
                append('-');
                n = -n;
            }
            int digits = 1;
            for (long m = n; m >= 10; m /= 10) {
                digits++;
            }
            room(digits);
            for (int i = length + digits - 1; i >= length; i--) {
                bytes[i] = (byte) ('0' + n % 10);
                n /= 10;
            }
            length += digits;
            return this;
        }

        JsonBytes append(char ascii) {
            room(1);
            bytes[length++] = (byte) ascii;
            return this;
        }

        private void room(int n) {
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        /** The number of bytes written. */
        int length() {
            return length;
        }

        /** Writes the bytes written to {@code to} (without copying them first, as {@link #toByteArray} does). */
        void writeTo(OutputStream to) throws IOException {
            to.write(bytes, 0, length);
        }

        /**
         * Buffers of answers written, for the next ones: a page of 100 tasks is about 100 KB, which the
         * collector would otherwise allocate, zero and, while the statement runs, copy between the young
         * generation's spaces on every request (issue #19: half of a list's allocation). At most
         * {@link #POOLED} buffers of at most {@link #POOLED_BYTES} each are kept (2 MB).
         */
        static final int POOLED = 8;

        static final int POOLED_BYTES = 256 * 1024;

        private static final ArrayBlockingQueue<byte[]> POOL = new ArrayBlockingQueue<>(POOLED);

        /** A buffer of at least {@code capacity} bytes from those released, or a new one. */
        static JsonBytes pooled(int capacity) {
            byte[] kept = POOL.poll();
            if (kept != null && kept.length >= capacity) {
                return new JsonBytes(kept);
            }
            return new JsonBytes(capacity);
        }

        private JsonBytes(byte[] bytes) {
            this.bytes = bytes;
        }

        /** Gives the buffer back for another answer: this one is not used again. */
        void release() {
            byte[] b = bytes;
            bytes = null;
            length = 0;
            if (b != null && b.length <= POOLED_BYTES) {
                POOL.offer(b);
            }
        }
    }
}
