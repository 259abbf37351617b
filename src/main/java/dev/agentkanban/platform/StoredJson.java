package dev.agentkanban.platform;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * What of a client's JSON can be stored as it was sent. PostgreSQL's text holds no NUL character, and a
 * lone UTF-16 surrogate (half of a pair, as {@code "\ud800"} decodes) is no character at all: the
 * driver would write it as {@code ?}. A number is kept exactly (read as BigDecimal, {@link JsonLimits})
 * only while it can be written out and read back: at most {@value #MAX_DIGITS} digits in its plain
 * form (far beyond that a jsonb column refuses it, and this server's parser would not read it back;
 * {@code 1e999999} was stored as the string {@code "Infinity"}). Every string a request body binds is checked
 * ({@link JsonLimits}); free-form JSON (task metadata) is walked with {@link #check(String, Object)}.
 */
public final class StoredJson {

    /**
     * The most digits a number may have written out in full: PostgreSQL writes a jsonb number out in full
     * ({@code 1e300} comes back as 1 and 300 zeros), and the JSON parser reading it back takes numbers of
     * up to 1,000 characters (with sign, point and margin to spare).
     */
    public static final int MAX_DIGITS = 900;

    private StoredJson() {}

    /** Why {@code text} cannot be stored, or null when it can. */
    public static String refusal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "holds the NUL character (\\u0000), which cannot be stored";
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return "holds a lone UTF-16 surrogate (\\u" + Integer.toHexString(c)
                            + "), which is not a character";
                }
            }
        }
        return null;
    }

    /**
     * Refuses (422, naming {@code field} and the path below it) a string, key or number of a JSON value
     * that cannot be stored as sent.
     */
    public static void check(String field, Object value) {
        switch (value) {
            case null -> {}
            case String s -> text(field, s);
            case Map<?, ?> map -> {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    text(field, key);
                    check(field + "." + key, e.getValue());
                }
            }
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    check(field + "[" + i + "]", list.get(i));
                }
            }
            case Double d when d.isNaN() || d.isInfinite() -> throw tooLarge(field);
            case Float f when f.isNaN() || f.isInfinite() -> throw tooLarge(field);
            case BigDecimal n -> {
                if (!writable(n)) {
                    throw tooLarge(field);
                }
            }
            case BigInteger n -> {
                if (!writable(new BigDecimal(n))) {
                    throw tooLarge(field);
                }
            }
            default -> {}
        }
    }

    /** Whether a number's plain form ({@code 0.000…1}, {@code 1000…0}) has at most {@link #MAX_DIGITS} digits. */
    static boolean writable(BigDecimal n) {
        long integerDigits = Math.max(1L, (long) n.precision() - n.scale());
        long fractionDigits = Math.max(0L, n.scale());
        return integerDigits + fractionDigits <= MAX_DIGITS;
    }

    private static void text(String field, String s) {
        String refusal = refusal(s);
        if (refusal != null) {
            throw ApiException.invalid(field, refusal);
        }
    }

    private static ApiException tooLarge(String field) {
        return ApiException.invalid(
                field, "is a number that cannot be stored exactly (at most " + MAX_DIGITS + " digits written out)");
    }
}
