package dev.agentkanban.platform;

/**
 * ETag and If-Match handling: a resource's ETag is its version number, quoted. {@code If-Match}
 * accepts {@code "3"}, {@code W/"3"}, {@code 3} and {@code *}.
 */
public final class Versions {

    private Versions() {}

    public static String etag(long version) {
        return "\"" + version + "\"";
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
                    org.springframework.http.HttpStatus.BAD_REQUEST,
                    "bad-precondition",
                    "Bad request",
                    "If-Match must be a version ETag such as \"3\"",
                    null);
        }
    }
}
