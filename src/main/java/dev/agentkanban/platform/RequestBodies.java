package dev.agentkanban.platform;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds a JSON body the way controllers need for PATCH: values in a request record checked with its
 * Bean Validation annotations, and the set of fields present.
 */
@Component
public class RequestBodies {

    private final JsonMapper json;
    private final Validator validator;

    RequestBodies(JsonMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    public <T> Patch<T> patch(JsonNode body, Class<T> type) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        T values = bind(body, type);
        Set<String> present = new HashSet<>(body.propertyNames());
        return new Patch<>(values, present);
    }

    public <T> T bind(JsonNode body, Class<T> type) {
        T values;
        try {
            values = json.treeToValue(body, type);
        } catch (JacksonException e) {
            throw JsonErrors.isFieldError(e)
                    ? JsonErrors.toInvalid(e)
                    : ApiException.badRequest("the request body is invalid");
        }
        validate(values);
        return values;
    }

    public void validate(Object values) {
        Set<ConstraintViolation<Object>> violations = validator.validate(values);
        if (!violations.isEmpty()) {
            List<ApiException.FieldError> errors = new ArrayList<>();
            for (ConstraintViolation<Object> v : violations) {
                errors.add(new ApiException.FieldError(field(v), v.getMessage()));
            }
            errors.sort(java.util.Comparator.comparing(ApiException.FieldError::field));
            throw ApiException.invalid(errors);
        }
    }

    /**
     * The field as the client wrote it: {@code tags[1]}, not the validator's {@code tags[1].<list element>}
     * (a container element's node is named after the validator's internals, not after anything sent).
     */
    private static String field(ConstraintViolation<?> v) {
        return ProblemHandler.snake(v.getPropertyPath().toString().replaceAll("\\.<[^>]*>", ""));
    }
}
