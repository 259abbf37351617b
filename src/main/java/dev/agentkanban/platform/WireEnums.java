package dev.agentkanban.platform;

import java.util.Arrays;

/** Parses the lowercase wire form of enums in query parameters, with a validation error naming the choices. */
public final class WireEnums {

    private WireEnums() {}

    public static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase();
        for (E e : type.getEnumConstants()) {
            if (e.toString().equals(v) || e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw ApiException.invalid(
                field,
                "must be one of "
                        + Arrays.stream(type.getEnumConstants())
                                .map(Object::toString)
                                .toList());
    }
}
