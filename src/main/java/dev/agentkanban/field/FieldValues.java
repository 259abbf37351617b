package dev.agentkanban.field;

import dev.agentkanban.platform.ApiException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rule of each field type for a value sent by a client (JSON, a CSV cell, an MCP argument): what
 * is accepted and the one form it is stored in. A value that does not fit is a 422 naming the field
 * ({@code fields.<name>}); {@code null} and blank text clear the value (empty result). Parsing is
 * linear: no regular expressions on the value.
 */
final class FieldValues {

    static final int MAX_TEXT = 2000;
    static final BigDecimal MAX_NUMBER = new BigDecimal("1e15");

    private FieldValues() {}

    /**
     * The value as stored, or empty to clear it. {@code member} turns a sent username into the
     * workspace member's name, empty when nobody of that name is a member.
     */
    static Optional<Object> check(CustomField f, Object value, Function<String, Optional<String>> member) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            return Optional.empty();
        }
        return Optional.of(
                switch (f.type()) {
                    case TEXT -> text(f, value, MAX_TEXT);
                    case NUMBER -> number(f, value);
                    case DATE -> date(f, value).toString();
                    case SINGLE_SELECT -> option(f, text(f, value, 200));
                    case MULTI_SELECT -> options(f, value);
                    case CHECKBOX -> checkbox(f, value);
                    case MEMBER ->
                        member.apply(text(f, value, 200).trim())
                                .orElseThrow(() -> invalid(f, "'" + value + "' is not a member of this workspace"));
                    case URL -> url(f, value);
                });
    }

    static ApiException invalid(CustomField f, String message) {
        return ApiException.invalid("fields." + f.name(), message);
    }

    private static String text(CustomField f, Object value, int max) {
        if (!(value instanceof String s)) {
            throw invalid(f, "must be text");
        }
        if (s.length() > max) {
            throw invalid(f, "must be at most " + max + " characters");
        }
        return s;
    }

    /** A finite number within ±10^15, stored without trailing zeros. */
    static BigDecimal number(CustomField f, Object value) {
        BigDecimal n;
        if (value instanceof Number num && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))) {
            n = new BigDecimal(num.toString());
        } else if (value instanceof String s && s.length() <= 40) {
            try {
                n = new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                throw invalid(f, "must be a number");
            }
        } else {
            throw invalid(f, "must be a number");
        }
        if (n.abs().compareTo(MAX_NUMBER) >= 0 || n.scale() > 10) {
            throw invalid(f, "must be a number between -10^15 and 10^15 with at most 10 decimals");
        }
        n = n.stripTrailingZeros();
        return n.scale() < 0 ? n.setScale(0) : n;
    }

    /** A calendar date, {@code YYYY-MM-DD}. */
    static LocalDate date(CustomField f, Object value) {
        if (value instanceof String s && s.trim().length() == 10) {
            try {
                return LocalDate.parse(s.trim());
            } catch (DateTimeParseException e) {
                // falls through to the error below
            }
        }
        throw invalid(f, "must be a date as YYYY-MM-DD");
    }

    private static String option(CustomField f, String sent) {
        String v = sent.trim();
        for (String o : f.options()) {
            if (o.equalsIgnoreCase(v)) {
                return o;
            }
        }
        throw invalid(f, "'" + v + "' is not one of " + f.options());
    }

    /** Options of a multi select: a list (or one text, comma-separated), stored in the field's order. */
    private static List<String> options(CustomField f, Object value) {
        List<String> sent = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            for (Object o : c) {
                if (!(o instanceof String s)) {
                    throw invalid(f, "must be a list of options");
                }
                sent.add(s);
            }
        } else if (value instanceof String s) {
            for (String part : s.split(",", -1)) {
                if (!part.isBlank()) {
                    sent.add(part);
                }
            }
        } else {
            throw invalid(f, "must be a list of options");
        }
        if (sent.size() > f.options().size()) {
            throw invalid(f, "names more options than the field has");
        }
        List<String> chosen = new ArrayList<>();
        for (String s : sent) {
            chosen.add(option(f, text(f, s, 200)));
        }
        return f.options().stream().filter(chosen::contains).toList();
    }

    private static boolean checkbox(CustomField f, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1", "x" -> {
                    return true;
                }
                case "false", "no", "0" -> {
                    return false;
                }
                default -> {
                    // falls through to the error below
                }
            }
        }
        throw invalid(f, "must be true or false");
    }

    /** An absolute http or https URL. */
    private static String url(CustomField f, Object value) {
        String s = text(f, value, MAX_TEXT).trim();
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return s;
            }
        } catch (URISyntaxException e) {
            // falls through to the error below
        }
        throw invalid(f, "must be an http or https URL");
    }
}
