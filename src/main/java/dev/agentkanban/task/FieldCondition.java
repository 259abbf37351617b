package dev.agentkanban.task;

import dev.agentkanban.platform.ApiException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * A condition on a custom field in a task list's query ({@code cf.<name>=<condition>}, issue 17), as
 * SQL over the task (alias {@code t}) and the field of that name on the task's board (alias {@code f}):
 *
 * <ul>
 *   <li>{@code value}: equals (text, URL, member, single select and dates as written, case-insensitive;
 *       numbers by value; a multi select contains the option; a checkbox {@code true}/{@code false},
 *       where unset counts as false);
 *   <li>{@code gt:}, {@code gte:}, {@code lt:}, {@code lte:} followed by a number or a date
 *       ({@code YYYY-MM-DD}): compares number or date fields;
 *   <li>{@code is:set}, {@code is:empty}: the task has a value, or none.
 * </ul>
 *
 * Parsed without regular expressions; a malformed condition is a 422 naming {@code cf.<name>}.
 */
record FieldCondition(String name, String operator, String value) {

    static final int MAX_CONDITIONS = 10;

    private static final Map<String, String> COMPARISONS = Map.of("gt", ">", "gte", ">=", "lt", "<", "lte", "<=");

    /** The field's stored value on the task (inside the {@code exists} over {@code custom_fields f}). */
    private static final String VALUE = "(t.custom_fields -> f.id::text)";

    static FieldCondition parse(String name, String raw) {
        String field = "cf." + name;
        if (name.isBlank() || name.length() > 60) {
            throw ApiException.invalid(field, "name a custom field: cf.<name>=<condition>");
        }
        String v = raw == null ? "" : raw.trim();
        if (v.length() > 200) {
            throw ApiException.invalid(field, "must be at most 200 characters");
        }
        int colon = v.indexOf(':');
        String op = colon > 0 ? v.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        if (COMPARISONS.containsKey(op)) {
            String operand = v.substring(colon + 1).trim();
            if (number(operand) == null && date(operand) == null) {
                throw ApiException.invalid(field, op + ": compares with a number or a date (YYYY-MM-DD)");
            }
            return new FieldCondition(name.trim(), op, operand);
        }
        if (op.equals("is")) {
            String what = v.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            if (!what.equals("set") && !what.equals("empty")) {
                throw ApiException.invalid(field, "is: takes set or empty");
            }
            return new FieldCondition(name.trim(), "is", what);
        }
        if (v.isEmpty()) {
            throw ApiException.invalid(
                    field, "give a value, gt:/gte:/lt:/lte: with a number or date, or is:set / is:empty");
        }
        return new FieldCondition(name.trim(), "eq", v);
    }

    /** The SQL condition, its parameters named {@code cf<i>...} put into {@code params}. */
    String sql(int i, Map<String, Object> params) {
        String p = "cf" + i;
        params.put(p + "n", name);
        String test = switch (operator) {
            case "is" -> VALUE + (value.equals("set") ? " is not null" : " is null");
            case "eq" -> equals(p, params);
            default -> compare(p, params);
        };
        return "exists (select 1 from custom_fields f where f.board_id = t.board_id and lower(f.name) = lower(:" + p
                + "n) and (" + test + "))";
    }

    private String equals(String p, Map<String, Object> params) {
        params.put(p + "s", value);
        StringBuilder sql = new StringBuilder("(f.type in ('text', 'url', 'member', 'single_select', 'date') and lower("
                + VALUE + " #>> '{}') = lower(:" + p + "s))"
                + " or (f.type = 'multi_select' and exists (select 1 from jsonb_array_elements_text(case when"
                + " jsonb_typeof(" + VALUE + ") = 'array' then " + VALUE + " end) e where lower(e) = lower(:" + p
                + "s)))");
        BigDecimal n = number(value);
        if (n != null) {
            params.put(p + "x", n);
            sql.append(" or (").append(numeric()).append(" = :").append(p).append("x)");
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            params.put(p + "b", Boolean.parseBoolean(lower));
            sql.append(" or (f.type = 'checkbox' and coalesce(case when jsonb_typeof(")
                    .append(VALUE)
                    .append(") = 'boolean' then (")
                    .append(VALUE)
                    .append(")::boolean end, false) = :")
                    .append(p)
                    .append("b)");
        }
        return sql.toString();
    }

    private String compare(String p, Map<String, Object> params) {
        String sqlOp = COMPARISONS.get(operator);
        BigDecimal n = number(value);
        if (n != null) {
            params.put(p + "x", n);
            return numeric() + " " + sqlOp + " :" + p + "x";
        }
        params.put(p + "s", date(value).toString());
        return "f.type = 'date' and (" + VALUE + " #>> '{}') " + sqlOp + " :" + p + "s";
    }

    /** The value as a number where the field is a number field (null elsewhere, so no cast can fail). */
    private static String numeric() {
        return "(case when f.type = 'number' and jsonb_typeof(" + VALUE + ") = 'number' then (" + VALUE
                + ")::numeric end)";
    }

    private static BigDecimal number(String s) {
        if (s.isEmpty() || s.length() > 40) {
            return null;
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static LocalDate date(String s) {
        if (s.length() != 10) {
            return null;
        }
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
