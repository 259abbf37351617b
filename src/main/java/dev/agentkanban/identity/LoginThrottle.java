package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Slows guessing of passwords and second factors (at sign-in, and when a session changes the password
 * or turns two-factor off), in two ways.
 *
 * <ul>
 *   <li>Per username and address: 5 failures, then one more try a minute.
 *   <li>Per account, across all addresses: after {@code kanban.login.account-free-failures} (10)
 *       failures in a row, each further try waits a delay that doubles from
 *       {@code kanban.login.account-first-delay} (1 s) up to {@link #MAX_DELAY} (15 minutes). So guessing from
 *       many addresses gets a few hundred tries a day at most, while an attacker can hold a real user
 *       off for 15 minutes at worst: an address the account signed in from before (the last
 *       {@value #KNOWN_ADDRESSES} per account) is not delayed by the account's backoff at all.
 * </ul>
 *
 * Every try is counted before the secret is checked ({@link #attempt}), and given back when it was
 * no guess; a success forgets the failures. The counts live in this instance's memory (several instances each
 * count their own share).
 */
@Component
class LoginThrottle {

    static final Duration MAX_DELAY = Duration.ofMinutes(15);
    static final int KNOWN_ADDRESSES = 20;
    static final int MAX_ENTRIES = 100_000;

    private final Map<String, Bucket> failures = new ConcurrentHashMap<>();
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();
    private final int freeFailures;
    private final Duration firstDelay;

    LoginThrottle(
            @Value("${kanban.login.account-free-failures:10}") int freeFailures,
            @Value("${kanban.login.account-first-delay:PT1S}") Duration firstDelay) {
        this.freeFailures = freeFailures;
        this.firstDelay = firstDelay;
    }

    /** An account's failures in a row, when it may be tried next, and the addresses it signed in from. */
    private record Account(int failures, Instant nextTry, Set<String> known) {}

    /**
     * Runs one check of a secret the person must know (a password, a second factor, the current
     * password of a change) under both budgets: the try is taken before {@code attempt} runs, so N
     * parallel guesses cannot pass a check that each read before any of them failed. A success forgets
     * the failures and remembers the address; a refusal of {@code attempt} (an {@link ApiException})
     * stays counted, except {@link Identities#TWO_FACTOR_REQUIRED} (a correct password still waiting
     * for its code) and anything that is not a refusal (a server error), which give the try back.
     */
    <T> T attempt(String username, String address, Supplier<T> attempt) {
        String user = username.trim().toLowerCase(java.util.Locale.ROOT);
        take(user, address);
        T result;
        try {
            result = attempt.get();
        } catch (ApiException e) {
            if (Identities.TWO_FACTOR_REQUIRED.equals(e.type())) {
                giveBack(user, address);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            giveBack(user, address);
            throw e;
        }
        succeeded(user, address);
        return result;
    }

    /** Takes a try from the address's bucket and counts it against the account, or refuses (429). */
    private void take(String user, String address) {
        makeRoom();
        Bucket bucket = failures.computeIfAbsent(
                user + "|" + address,
                k -> Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(5)
                                .refillGreedy(1, Duration.ofMinutes(1))
                                .build())
                        .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            refuse(Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds()));
        }
        Instant now = clock.instant();
        Instant[] delayedUntil = {null};
        accounts.compute(user, (k, a) -> {
            if (a != null
                    && a.nextTry() != null
                    && now.isBefore(a.nextTry())
                    && !a.known().contains(address)) {
                delayedUntil[0] = a.nextTry();
                return a;
            }
            int n = (a == null ? 0 : a.failures()) + 1;
            Set<String> known = a == null ? Set.of() : a.known();
            return new Account(n, n < freeFailures ? null : now.plus(delay(n)), known);
        });
        if (delayedUntil[0] != null) {
            bucket.addTokens(1);
            refuse(Math.max(1, Duration.between(now, delayedUntil[0]).toSeconds()));
        }
    }

    /**
     * Keeps both maps within {@link #MAX_ENTRIES} by forgetting what holds nobody back now: buckets with
     * a try left, and accounts not in their backoff (their few failures, their known addresses). It
     * used to empty both maps, so a spray of made-up usernames (each one a new entry) lifted every
     * account's backoff and every address's bucket; now only a map still over the bound once nothing is
     * left to forget but restrictions in force (100,000 accounts in backoff, or 100,000 drained buckets)
     * is emptied, to keep memory bounded.
     */
    private void makeRoom() {
        if (failures.size() > MAX_ENTRIES) {
            failures.values().removeIf(b -> b.getAvailableTokens() > 0);
            if (failures.size() > MAX_ENTRIES) {
                failures.clear();
            }
        }
        if (accounts.size() > MAX_ENTRIES) {
            accounts.values().removeIf(a -> a.failures() < freeFailures);
            if (accounts.size() > MAX_ENTRIES) {
                Instant now = clock.instant();
                accounts.values().removeIf(a -> a.nextTry() == null || !now.isBefore(a.nextTry()));
            }
            if (accounts.size() > MAX_ENTRIES) {
                accounts.clear();
            }
        }
    }

    /** Undoes {@link #take} for a try that was no guess. */
    private void giveBack(String user, String address) {
        Bucket bucket = failures.get(user + "|" + address);
        if (bucket != null) {
            bucket.addTokens(1);
        }
        accounts.computeIfPresent(user, (k, a) -> {
            int n = Math.max(0, a.failures() - 1);
            return new Account(n, n < freeFailures ? null : a.nextTry(), a.known());
        });
    }

    private void succeeded(String user, String address) {
        failures.remove(user + "|" + address);
        accounts.compute(user, (k, a) -> {
            Set<String> known = new java.util.LinkedHashSet<>(a == null ? Set.of() : a.known());
            known.remove(address);
            known.add(address);
            while (known.size() > KNOWN_ADDRESSES) {
                known.remove(known.iterator().next());
            }
            return new Account(0, null, Set.copyOf(known));
        });
    }

    /** The wait after the {@code n}th failure in a row: the first delay after the last free one, doubling, at most 15 minutes. */
    Duration delay(int n) {
        int doublings = Math.max(0, Math.min(n - freeFailures, 30));
        Duration d = firstDelay.multipliedBy(1L << doublings);
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    private static void refuse(long waitSeconds) {
        throw new ApiException(
                HttpStatus.TOO_MANY_REQUESTS,
                "too-many-attempts",
                "Too many requests",
                "too many failed sign-ins; retry in " + waitSeconds + " s",
                Map.of("retry_after", waitSeconds));
    }
}
