package dev.agentkanban.agent;

import dev.agentkanban.platform.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one tool call as JSON decoded them, read by name. A missing or mistyped argument
 * is a validation error naming it, the same kind of error REST gives for a bad field.
 */
record ToolArguments(Map<String, Object> values) {

    ToolArguments {
        values = values == null ? Map.of() : values;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    Object raw(String name) {
        return values.get(name);
    }

    long requiredLong(String name) {
        Long v = optionalLong(name);
        if (v == null) {
            throw ApiException.invalid(name, "is required");
        }
        return v;
    }

    Long optionalLong(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            // a whole number beyond a long must not wrap around (2^64 + 401 would be task 401)
            java.math.BigDecimal exact = new java.math.BigDecimal(n.toString());
            if (exact.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0
                    || exact.compareTo(java.math.BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
                throw ApiException.invalid(name, "is out of range");
            }
            return exact.longValueExact();
        }
        if (v instanceof String s && s.strip().matches("-?\\d{1,18}")) {
            return Long.parseLong(s.strip());
        }
        throw ApiException.invalid(name, "must be an integer");
    }

    Integer optionalInt(String name) {
        Long v = optionalLong(name);
        if (v != null && (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)) {
            throw ApiException.invalid(name, "is out of range");
        }
        return v == null ? null : v.intValue();
    }

    String optionalString(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        throw ApiException.invalid(name, "must be a string");
    }

    Boolean optionalBoolean(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw ApiException.invalid(name, "must be true or false");
    }

    /** A list of strings; a single string counts as a list of one (or a comma-separated list). */
    List<String> optionalStrings(String name) {
        Object v = values.get(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s.split(",")).stream()
                    .map(String::strip)
                    .filter(x -> !x.isEmpty())
                    .toList();
        }
        if (v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
            return list.stream().map(x -> ((String) x).strip()).toList();
        }
        throw ApiException.invalid(name, "must be a list of strings");
    }

    /** The arguments without the named ones, for binding the rest to a request record. */
    Map<String, Object> without(String... names) {
        Map<String, Object> rest = new LinkedHashMap<>(values);
        for (String n : names) {
            rest.remove(n);
        }
        return rest;
    }
}
