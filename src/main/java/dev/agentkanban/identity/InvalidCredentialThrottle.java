package dev.agentkanban.identity;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Slows token guessing: each client address may send {@code kanban.invalid-credentials-per-minute}
 * (default 30) invalid, expired or revoked credentials a minute; beyond that, every request of that
 * address that carries a credential gets 429 until its budget refills, before the credential is looked
 * at. Requests without credentials draw on the ordinary anonymous rate limit instead.
 */
@Component
class InvalidCredentialThrottle {

    static final int MAX_ADDRESSES = 100_000;

    private final Map<String, Bucket> byAddress = new ConcurrentHashMap<>();
    private final long perMinute;

    InvalidCredentialThrottle(@Value("${kanban.invalid-credentials-per-minute:30}") long perMinute) {
        this.perMinute = perMinute;
    }

    /** Seconds to wait when the address has used up its budget, else empty. */
    OptionalLong refusal(String address) {
        Bucket bucket = byAddress.get(address);
        if (bucket == null || bucket.getAvailableTokens() > 0) {
            return OptionalLong.empty();
        }
        long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        return OptionalLong.of(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }

    void invalid(String address) {
        if (byAddress.size() > MAX_ADDRESSES) {
            // forget the addresses that may still send (emptying the map let a spray of addresses lift
            // the refusal of the one guessing); only 100,000 refused at once empty it, to bound memory
            byAddress.values().removeIf(b -> b.getAvailableTokens() > 0);
            if (byAddress.size() > MAX_ADDRESSES) {
                byAddress.clear();
            }
        }
        byAddress
                .computeIfAbsent(
                        address,
                        a -> Bucket.builder()
                                .addLimit(Bandwidth.builder()
                                        .capacity(perMinute)
                                        .refillGreedy(perMinute, Duration.ofMinutes(1))
                                        .build())
                                .build())
                .tryConsume(1);
    }
}
