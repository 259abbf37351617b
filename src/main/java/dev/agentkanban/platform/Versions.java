package dev.agentkanban.platform;

import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * ETag and If-Match handling: a resource's ETag is its version number, quoted. {@code If-Match}
 * accepts {@code "3"}, {@code W/"3"}, {@code 3} and {@code *}.
 */
public final class Versions {

    private Versions() {}

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version a client expects of a resource whose body it sends back: {@code If-Match}, and a
     * {@code version} field in the body (seed 003's optimistic locking: a client that read the task sends
     * its version back with the change). Either alone is the precondition; both must agree, else the
     * write fails as a stale one does (412). A body version must be a whole number (422).
     */
    public static Long expected(String ifMatch, JsonNode body) {
        Long header = expected(ifMatch);
        JsonNode sent = body != null && body.isObject() ? body.get("version") : null;
        if (sent == null || sent.isNull()) {
            return header;
        }
        if (!sent.isIntegralNumber() || !sent.canConvertToLong()) {
            throw ApiException.invalid("version", "must be the version the task was read at, a whole number");
        }
        long inBody = sent.asLong();
        if (header != null && header != inBody) {
            throw new ApiException(
                    HttpStatus.PRECONDITION_FAILED,
                    "stale-version",
                    "Precondition failed",
                    "If-Match version " + header + " and the body's version " + inBody
                            + " disagree: at most one of them is current",
                    null);
        }
        return inBody;
    }

    /** 412 {@code stale-version} when the client expects a version ({@code expected} not null) that is not {@code actual}. */
    public static void check(Long expected, long actual) {
        if (expected != null && expected != actual) {
            throw ApiException.staleVersion(expected, actual);
        }
    }

    /** The version a client expects, or null when it sent no precondition (or {@code *}). */
    public static Long expected(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "").trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "bad-precondition",
                    "Bad request",
                    "If-Match must be a version ETag such as \"3\"",
                    null);
        }
    }
}
