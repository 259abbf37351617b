package dev.agentkanban.platform;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reached a controller (filters, unknown paths, container limits) also leave as
 * problem+json, and never with a stack trace.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i ? HttpStatus.resolve(i) : null;
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        Throwable error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (databaseUnavailable(error)) {
            // a filter (identity, idempotency) needed the database and could not reach it
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.databaseUnavailable());
        }
        ApiException malformed = ProblemHandler.malformedParameters(error);
        if (malformed != null) {
            error = malformed;
        }
        while (error != null
                && !(error instanceof ApiException)
                && error.getCause() != null
                && error.getCause() != error) {
            error = error.getCause();
        }
        ProblemDetail problem = error instanceof ApiException api
                ? Problems.of(api)
                : Problems.of(
                        status,
                        Problems.typeOf(status),
                        Problems.titleOf(status),
                        status.is5xxServerError()
                                ? "the server could not complete the request"
                                : Problems.titleOf(status),
                        null);
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static boolean databaseUnavailable(Throwable error) {
        return ProblemHandler.connectionLost(error);
    }
}
