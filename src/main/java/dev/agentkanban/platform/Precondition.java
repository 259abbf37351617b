package dev.agentkanban.platform;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;

/**
 * What a write requires of the current version of the resource it changes (RFC 9110 §13.1): from
 * {@code If-Match}, that the version is one of the listed ETags ({@code anyOf}; {@code *} or no header:
 * any version, since the resource must exist for the write anyway); from {@code If-None-Match}, that it
 * is none of the listed ETags ({@code noneOf}), or with {@code *} that the resource does not exist
 * ({@code mustNotExist}) — which a write to an existing resource never satisfies, so it is refused
 * with 412 and changes nothing. A missing resource stays a 404, as the check runs on the locked row.
 * Where a {@code Precondition} is taken, {@code null} means the client sent none.
 */
public record Precondition(List<Long> anyOf, List<Long> noneOf, boolean mustNotExist) {

    public Precondition {
        anyOf = anyOf == null ? null : List.copyOf(anyOf);
        noneOf = List.copyOf(noneOf);
    }

    /** The client saw exactly this version (a single {@code If-Match}, MCP's {@code expected_version}). */
    public static Precondition version(long version) {
        return new Precondition(List.of(version), List.of(), false);
    }

    /** {@link #version(long)}, or no precondition when {@code version} is null. */
    public static Precondition ofNullable(Long version) {
        return version == null ? null : version(version);
    }

    /** Whether a write may go ahead on the resource at {@code current}. */
    public boolean holds(long current) {
        return !mustNotExist && (anyOf == null || anyOf.contains(current)) && !noneOf.contains(current);
    }

    /** 412 {@code stale-version} when the precondition does not hold for {@code current}. */
    public void check(long current) {
        if (!holds(current)) {
            throw new ApiException(
                    HttpStatus.PRECONDITION_FAILED,
                    "stale-version",
                    "Precondition failed",
                    reason(current),
                    Map.of("current_version", current));
        }
    }

    /**
     * This precondition narrowed to the one version a request body names (seed 003's {@code version}
     * field): 412 when the headers already rule that version out, as a stale write would be.
     */
    Precondition andVersion(long version) {
        if (anyOf != null && !anyOf.contains(version)) {
            throw new ApiException(
                    HttpStatus.PRECONDITION_FAILED,
                    "stale-version",
                    "Precondition failed",
                    "If-Match " + etags(anyOf) + " and the body's version " + version
                            + " disagree: at most one of them is current",
                    null);
        }
        return new Precondition(List.of(version), noneOf, mustNotExist);
    }

    private String reason(long current) {
        if (mustNotExist) {
            return "If-None-Match: * requires that the resource does not exist, but it does (version " + current + ")";
        }
        if (noneOf.contains(current)) {
            return "If-None-Match " + etags(noneOf) + " includes the current version " + current;
        }
        if (anyOf.size() == 1) {
            return "If-Match version " + anyOf.getFirst() + " does not match the current version " + current;
        }
        return "If-Match " + etags(anyOf) + " includes no current version; the current version is " + current;
    }

    private static String etags(List<Long> versions) {
        return versions.stream().map(Versions::etag).collect(Collectors.joining(", "));
    }
}
