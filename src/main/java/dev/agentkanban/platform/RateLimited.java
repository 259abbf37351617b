package dev.agentkanban.platform;

/**
 * An authenticated principal that pays for its own requests: the rate limiter charges the budget named
 * by {@link #rateLimitKey()} instead of the client address. The identity feature's caller implements it,
 * so the platform charges callers without knowing what a caller is.
 */
public interface RateLimited {

    /** The request attribute under which authentication leaves the principal (also for requests it refuses). */
    String ATTRIBUTE = RateLimited.class.getName();

    String rateLimitKey();
}
