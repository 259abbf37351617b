package dev.agentkanban.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.validation.BindException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;

/**
 * The single error format: every failure becomes RFC 9457 problem+json. Bad input is a 4xx with the
 * offending fields named; anything unexpected is a 500 that says nothing about the internals.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        Object retryAfter = e.properties().get("retry_after");
        if (retryAfter != null) {
            return ResponseEntity.status(e.status())
                    .header(HttpHeaders.RETRY_AFTER, retryAfter.toString())
                    .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.of(e));
        }
        return respond(Problems.of(e));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        if (e.getParameter().hasParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class)) {
            // /boards/abc names nothing that can exist
            return respond(Problems.of(ApiException.notFound(e.getName(), e.getValue())));
        }
        String expected = e.getRequiredType() == null ? "another type" : JsonErrors.describe(e.getRequiredType());
        return respond(Problems.of(ApiException.invalid(e.getName(), "must be " + expected)));
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
            MaxUploadSizeExceededException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return asObject(respond(Problems.of(ApiException.tooLarge("the upload exceeds the size limit"))));
    }

    /** A multipart body without a boundary, or cut short: the client's framing, not the server's failure. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> malformedMultipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException) {
            return respond(Problems.of(ApiException.tooLarge("the upload exceeds the size limit")));
        }
        log.debug("malformed multipart request: {}", e.getMessage());
        return respond(
                Problems.of(
                        ApiException.badRequest(
                                "the multipart body is malformed: it needs a boundary in its Content-Type and every part must be complete")));
    }

    /** JSON that a controller parsed itself (imports) and that went over a parser limit. */
    @ExceptionHandler(StreamConstraintsException.class)
    ResponseEntity<ProblemDetail> jsonLimit(StreamConstraintsException e) {
        return respond(Problems.of(JsonLimits.refused(e)));
    }

    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException e) {
        return respond(Problems.of(
                ApiException.conflict("duplicate", "a resource with the same unique value already exists")));
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException e) {
        log.info("integrity violation: {}", e.getMostSpecificCause().getMessage());
        String detail = "the request violates a data constraint";
        Map<String, Object> errors = null;
        if (e.getMostSpecificCause() instanceof org.postgresql.util.PSQLException pg) {
            if ("22021".equals(pg.getSQLState()) || "22P05".equals(pg.getSQLState())) {
                detail = "a text holds a character that cannot be stored (the NUL character, \\u0000)";
            }
            String field = checkedField(pg.getServerErrorMessage());
            if (field != null) {
                detail = field + ": has a value the database does not accept";
                errors = Map.of(
                        "errors",
                        List.of(new ApiException.FieldError(field, "has a value the database does not accept")));
            }
        }
        return respond(
                Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "constraint", "Validation failed", detail, errors));
    }

    /** The column a check constraint named {@code <table>_<column>_check} guards, when it is one. */
    static String checkedField(org.postgresql.util.ServerErrorMessage m) {
        if (m == null || m.getConstraint() == null || m.getTable() == null) {
            return null;
        }
        String c = m.getConstraint();
        String prefix = m.getTable() + "_";
        return c.startsWith(prefix) && c.endsWith("_check") && c.length() > prefix.length() + 6
                ? c.substring(prefix.length(), c.length() - 6)
                : null;
    }

    @ExceptionHandler({
        CannotGetJdbcConnectionException.class,
        CannotCreateTransactionException.class,
        DataAccessResourceFailureException.class,
        TransientDataAccessResourceException.class,
        QueryTimeoutException.class
    })
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e) {
        log.warn("database unavailable: {}", e.getMessage());
        ProblemDetail problem = Problems.databaseUnavailable();
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS)
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /**
     * A failed commit or rollback: when the connection broke (SQL state class 08, or 57P: the server
     * shut down or crashed, as in a failover) the database is unavailable, a 503 like the others;
     * anything else is unexpected. Seen in the HA drill: a request cut off by the primary's loss
     * failed, and so did the rollback that followed.
     */
    @ExceptionHandler(TransactionSystemException.class)
    ResponseEntity<ProblemDetail> transaction(TransactionSystemException e) {
        // the rollback's own failure may only say "Connection is closed" (the pool's, no SQL state):
        // the failure it replaced (getApplicationException) tells why
        if (connectionLost(e)) {
            return databaseUnavailable(e);
        }
        return unexpected(e);
    }

    /**
     * Whether {@code e} says the database connection was lost or could not be had: Spring's
     * resource-failure exceptions, or a driver exception with SQL state class 08 (connection) or 57P
     * (the server shut down or crashed) anywhere in the causes, or in the failure a failed rollback
     * replaced. Also used for exceptions that left the servlet (ProblemErrorController).
     */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException
                    || t instanceof CannotGetJdbcConnectionException
                    || t instanceof CannotCreateTransactionException
                    || t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof TransactionSystemException tse
                    && tse.getApplicationException() != null
                    && connectionLost(tse.getApplicationException())) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        ApiException malformed = malformedParameters(e);
        if (malformed != null) {
            return respond(Problems.of(malformed));
        }
        log.error("unexpected failure", e);
        return respond(Problems.of(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "the server could not complete the request",
                null));
    }

    /**
     * A 400 when the container could not decode the query string or form body ({@code %ZZ}, an escape
     * that is not UTF-8, too many parameters): Tomcat throws when the parameters are first read, which may
     * be in a filter or an argument resolver. Null when {@code e} is something else. Also used for
     * exceptions that left the servlet (ProblemErrorController).
     */
    static ApiException malformedParameters(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.tomcat.util.http.InvalidParameterException) {
                return new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "malformed-parameters",
                        "Bad request",
                        "the query string or form body cannot be decoded: a %-escape that is not valid"
                                + " UTF-8, or too many parameters",
                        null);
            }
        }
        return null;
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return asObject(respond(Problems.of(ApiException.invalid(fieldErrors(e)))));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            String name = result.getMethodParameter().getParameterName();
            result.getResolvableErrors()
                    .forEach(err -> errors.add(new ApiException.FieldError(
                            err instanceof org.springframework.validation.FieldError fe ? fe.getField() : name,
                            err.getDefaultMessage())));
        });
        return asObject(respond(Problems.of(ApiException.invalid(errors))));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BodySizeLimitFilter.BodyTooLarge) {
                return asObject(respond(Problems.of(ApiException.tooLarge("the request body exceeds the size limit"))));
            }
        }
        if (cause instanceof ApiException api) {
            return asObject(respond(Problems.of(api)));
        }
        StreamConstraintsException limit = JsonLimits.limitIn(e);
        if (limit != null) {
            return asObject(respond(Problems.of(JsonLimits.refused(limit))));
        }
        if (e.getCause() instanceof JacksonException jackson && JsonErrors.isFieldError(jackson)) {
            return asObject(respond(Problems.of(JsonErrors.toInvalid(jackson))));
        }
        String detail = e.getCause() instanceof StreamReadException
                ? "the request body is not valid JSON"
                : "the request body is missing or unreadable";
        return asObject(respond(Problems.of(ApiException.badRequest(detail))));
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // Spring's own problem bodies: keep them, but with our type and title and no internal detail.
        if (body instanceof ProblemDetail pd) {
            ProblemDetail clean =
                    Problems.of(status, Problems.typeOf(status), Problems.titleOf(status), pd.getDetail(), null);
            return new ResponseEntity<>(clean, headers, status);
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    private static List<ApiException.FieldError> fieldErrors(BindException e) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        e.getFieldErrors()
                .forEach(fe -> errors.add(new ApiException.FieldError(snake(fe.getField()), fe.getDefaultMessage())));
        e.getGlobalErrors()
                .forEach(ge -> errors.add(new ApiException.FieldError(ge.getObjectName(), ge.getDefaultMessage())));
        return errors;
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus())
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> asObject(ResponseEntity<ProblemDetail> e) {
        return (ResponseEntity) e;
    }
}
