package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing: each username and address pair may fail 5 times, then waits (one more
 * try every minute). A success forgets the failures.
 */
@Component
class LoginThrottle {

    private final Map<String, Bucket> failures = new ConcurrentHashMap<>();

    void check(String key) {
        Bucket bucket = failures.get(key);
        if (bucket != null && bucket.getAvailableTokens() <= 0) {
            long waitSeconds = Math.max(1, Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()).toSeconds());
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too-many-attempts", "Too many requests",
                    "too many failed sign-ins; retry in " + waitSeconds + " s", Map.of("retry_after", waitSeconds));
        }
    }

    void failed(String key) {
        if (failures.size() > 100_000) {
            failures.clear();
        }
        failures.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(5).refillGreedy(1, Duration.ofMinutes(1)).build())
                .build()).tryConsume(1);
    }

    void succeeded(String key) {
        failures.remove(key);
    }
}
