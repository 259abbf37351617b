package dev.agentkanban.platform.ratelimit;

import java.util.Optional;

/** Where the buckets live: this process's memory, or Redis shared by every instance. */
interface BucketStore {

    /** The outcome of taking one request from a bucket. */
    record Consumption(boolean allowed, long remaining, long nanosToWait) {}

    /**
     * Takes one request from the bucket {@code key} (created with {@code rate} if new). Empty when the
     * store cannot answer right now: the caller then lets the request through (fail open).
     */
    Optional<Consumption> tryConsume(String key, Rate rate);
}
