package dev.agentkanban.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/** Turns JSON binding failures into field-level validation errors a client can act on. */
final class JsonErrors {

    private JsonErrors() {}

    /** True when the failure is about one field's value rather than malformed JSON. */
    static boolean isFieldError(JacksonException e) {
        // a number too large for its field is well-formed JSON with a bad value (2147483648 for an int)
        return (!(e instanceof StreamReadException) || e instanceof InputCoercionException)
                && !e.getPath().isEmpty();
    }

    static ApiException toInvalid(JacksonException e) {
        String message;
        if (e instanceof MismatchedInputException mismatch) {
            message = mismatchMessage(mismatch);
        } else if (e instanceof InputCoercionException coercion) {
            message = coercion.getTargetType() == null
                    ? "is out of range"
                    : "is out of range for " + describe(coercion.getTargetType());
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            message = root instanceof IllegalArgumentException && root.getMessage() != null
                    ? root.getMessage()
                    : "has an invalid value";
        }
        return ApiException.invalid(path(e), message);
    }

    private static String mismatchMessage(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        if (target != null && target.isEnum()) {
            List<String> values = new ArrayList<>();
            for (Object c : target.getEnumConstants()) {
                values.add(c.toString().toLowerCase());
            }
            return "must be one of " + values;
        }
        return target == null ? "has the wrong type" : "must be " + describe(target);
    }

    static String describe(Class<?> type) {
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.getSimpleName().equals("Instant") || type.getSimpleName().equals("OffsetDateTime")) {
            return "an ISO-8601 timestamp";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            // a request's nested records are JSON objects to the caller, not the service's class names
            return "an object";
        }
        return "a valid " + type.getSimpleName();
    }

    private static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }
}
