package dev.agentkanban.platform;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A failure the client caused or must know about, rendered as RFC 9457 problem details. The
 * {@code type} slug is stable (clients may switch on it); the detail is written for people.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> properties;

    public ApiException(HttpStatus status, String type, String title, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.properties = properties == null ? Map.of() : properties;
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public static ApiException notFound(String what, Object id) {
        return new ApiException(
                HttpStatus.NOT_FOUND, "not-found", "Not found", what + " " + id + " does not exist", null);
    }

    /** 403: the caller may not do this (beyond what the route's role allows, e.g. someone else's comment). */
    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail, null);
    }

    public static ApiException conflict(String type, String detail) {
        return new ApiException(HttpStatus.CONFLICT, type, "Conflict", detail, null);
    }

    public static ApiException conflict(String type, String detail, Map<String, Object> properties) {
        return new ApiException(HttpStatus.CONFLICT, type, "Conflict", detail, properties);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", detail, null);
    }

    public static ApiException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ApiException invalid(List<FieldError> found) {
        // two constraints that say the same of one field (a blank title breaks @NotBlank and the pattern
        // that also refuses Unicode spaces) are one error
        List<FieldError> errors = found.stream().distinct().toList();
        String detail = errors.size() == 1
                ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : errors.size() + " fields are invalid";
        return new ApiException(
                HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Validation failed", detail, Map.of("errors", errors));
    }

    /**
     * This validation failure with each field renamed by {@code rename} (a caller that names its input
     * otherwise than the code it calls: a tool's arguments, a request's parts); this very exception when
     * it is no validation failure or no field's name changes.
     */
    public ApiException withFieldsRenamed(java.util.function.UnaryOperator<String> rename) {
        if (status != HttpStatus.UNPROCESSABLE_CONTENT
                || !(properties != null && properties.get("errors") instanceof List<?> errors)
                || errors.stream()
                        .noneMatch(f -> f instanceof FieldError fe
                                && !rename.apply(fe.field()).equals(fe.field()))) {
            return this;
        }
        return invalid(errors.stream()
                .map(f -> (FieldError) f)
                .map(f -> new FieldError(rename.apply(f.field()), f.message()))
                .toList());
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Content too large", detail, null);
    }

    /** One field that failed validation. */
    public record FieldError(String field, String message) {}
}
