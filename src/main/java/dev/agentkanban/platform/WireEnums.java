package dev.agentkanban.platform;

import java.util.Arrays;
import java.util.Locale;

/**
 * Parses the lowercase wire form of enums, in any case: in query parameters with a validation error
 * naming the choices ({@link #parse}), in JSON bodies from an enum's {@code @JsonCreator} ({@link #named}).
 */
public final class WireEnums {

    private WireEnums() {}

    public static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        try {
            return named(type, value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }

    /** The constant {@code value} names (null for null); an {@link IllegalArgumentException} naming the choices otherwise. */
    public static <E extends Enum<E>> E named(Class<E> type, String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.toString().equals(v) || e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException("must be one of "
                + Arrays.stream(type.getEnumConstants()).map(Object::toString).toList());
    }
}
