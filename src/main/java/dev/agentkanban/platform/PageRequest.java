package dev.agentkanban.platform;

/**
 * Validated paging parameters. {@code limit} defaults to 50 and is capped at 500; a non-positive
 * limit or a negative offset is a validation error.
 */
public record PageRequest(int limit, long offset) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public static PageRequest of(Integer limit, Long offset) {
        int l = limit == null ? DEFAULT_LIMIT : limit;
        long o = offset == null ? 0 : offset;
        if (l < 1) {
            throw ApiException.invalid("limit", "must be at least 1");
        }
        if (o < 0) {
            throw ApiException.invalid("offset", "must not be negative");
        }
        return new PageRequest(Math.min(l, MAX_LIMIT), o);
    }
}
