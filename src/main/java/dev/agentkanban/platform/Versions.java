package dev.agentkanban.platform;

import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.JsonNode;

/**
 * ETag and precondition handling: a resource's ETag is its version number, quoted. {@code If-Match}
 * takes {@code *} or a list of ETags ({@code "3", "4"}: the write goes ahead if any of them is the
 * current version, RFC 9110 §13.1.1); each may also be written {@code W/"3"} or {@code 3}. A write's
 * {@code If-None-Match} is honoured too (§13.1.2): {@code *} refuses a write to an existing resource,
 * a list refuses it when one of them is current. Both fail as a stale write does (412).
 */
public final class Versions {

    private Versions() {}

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The precondition of a write whose body may carry the version the client read: {@code If-Match}
     * and a {@code version} field in the body (seed 003's optimistic locking: a client that read the task
     * sends its version back with the change). Either alone is the precondition; both must agree, else
     * the write fails as a stale one does (412). A body version must be a whole number (422).
     */
    public static Precondition expected(String ifMatch, JsonNode body) {
        Precondition header = expected(ifMatch);
        JsonNode sent = body != null && body.isObject() ? body.get("version") : null;
        if (sent == null || sent.isNull()) {
            return header;
        }
        if (!sent.isIntegralNumber() || !sent.canConvertToLong()) {
            throw ApiException.invalid("version", "must be the version the task was read at, a whole number");
        }
        long inBody = sent.asLong();
        return header == null ? Precondition.version(inBody) : header.andVersion(inBody);
    }

    /** 412 {@code stale-version} when the client sent a precondition ({@code expected} not null) that {@code actual} fails. */
    public static void check(Precondition expected, long actual) {
        if (expected != null) {
            expected.check(actual);
        }
    }

    /**
     * The precondition of a write: its {@code ifMatch} header and the current request's {@code
     * If-None-Match}; null when the client sent neither (or only {@code If-Match: *}).
     */
    public static Precondition expected(String ifMatch) {
        String ifNoneMatch = null;
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes http) {
            ifNoneMatch = http.getRequest().getHeader("If-None-Match");
        }
        return parse(ifMatch, ifNoneMatch);
    }

    /** The precondition the two headers state (either may be null); null when they state none. */
    public static Precondition parse(String ifMatch, String ifNoneMatch) {
        List<Long> anyOf = isBlank(ifMatch) || isStar(ifMatch) ? null : versions("If-Match", ifMatch);
        boolean mustNotExist = !isBlank(ifNoneMatch) && isStar(ifNoneMatch);
        List<Long> noneOf = isBlank(ifNoneMatch) || mustNotExist ? List.of() : versions("If-None-Match", ifNoneMatch);
        if (anyOf == null && noneOf.isEmpty() && !mustNotExist) {
            return null;
        }
        return new Precondition(anyOf, noneOf, mustNotExist);
    }

    private static boolean isBlank(String header) {
        return header == null || header.isBlank();
    }

    private static boolean isStar(String header) {
        return header.trim().equals("*");
    }

    /** The versions a comma-separated list of entity tags names (empty list elements are allowed, RFC 9110 §5.6.1). */
    private static List<Long> versions(String name, String header) {
        List<Long> versions = new ArrayList<>();
        for (String element : header.split(",", -1)) {
            String v = element.trim();
            if (v.isEmpty()) {
                continue;
            }
            if (v.startsWith("W/")) {
                v = v.substring(2);
            }
            versions.add(version(name, v.replace("\"", "").trim()));
        }
        if (versions.isEmpty()) {
            throw badPrecondition(name);
        }
        return versions;
    }

    private static long version(String name, String v) {
        try {
            if (!v.isEmpty() && Character.isDigit(v.charAt(0))) {
                return Long.parseLong(v);
            }
        } catch (NumberFormatException e) {
            // falls through to the 400 below
        }
        throw badPrecondition(name);
    }

    private static ApiException badPrecondition(String name) {
        return new ApiException(
                HttpStatus.BAD_REQUEST,
                "bad-precondition",
                "Bad request",
                name + " must be * or a list of version ETags such as \"3\", \"4\"",
                null);
    }
}
