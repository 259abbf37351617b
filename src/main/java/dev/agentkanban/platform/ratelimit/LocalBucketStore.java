package dev.agentkanban.platform.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Buckets in this process's memory: right for a single instance (several instances would each grant
 * the full budget). Bounded: a bucket that has refilled completely is indistinguishable from a new
 * one, so it is dropped on the periodic sweep; if the map still outgrows {@code maxEntries}, the
 * least recently used buckets go first.
 */
final class LocalBucketStore implements BucketStore {

    private static final class Entry {
        final Bucket bucket;
        final long capacity;
        volatile long lastUsedNanos;

        Entry(Rate rate) {
            this.bucket = Bucket.builder().addLimit(rate.bandwidth()).build();
            this.capacity = rate.permits();
            this.lastUsedNanos = System.nanoTime();
        }
    }

    private final Map<String, Entry> buckets = new ConcurrentHashMap<>();
    private final int maxEntries;

    LocalBucketStore(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    @Override
    public Optional<Consumption> tryConsume(String key, Rate rate) {
        if (buckets.size() >= maxEntries && !buckets.containsKey(key)) {
            shrink();
        }
        Entry entry = buckets.computeIfAbsent(key, k -> new Entry(rate));
        entry.lastUsedNanos = System.nanoTime();
        ConsumptionProbe probe = entry.bucket.tryConsumeAndReturnRemaining(1);
        return Optional.of(
                new Consumption(probe.isConsumed(), probe.getRemainingTokens(), probe.getNanosToWaitForRefill()));
    }

    /** Drops the buckets that are full again (a request racing the sweep may lose its one token: harmless). */
    @Scheduled(
            fixedDelayString = "${kanban.rate-limit.sweep-interval:PT1M}",
            initialDelayString = "${kanban.rate-limit.sweep-interval:PT1M}")
    void sweep() {
        buckets.entrySet().removeIf(e -> e.getValue().bucket.getAvailableTokens() >= e.getValue().capacity);
    }

    int size() {
        return buckets.size();
    }

    private synchronized void shrink() {
        if (buckets.size() < maxEntries) {
            return;
        }
        sweep();
        int excess = buckets.size() - maxEntries * 9 / 10;
        if (excess > 0) {
            // snapshot the times first: they change while we sort
            record Use(String key, long at) {}
            buckets.entrySet().stream().map(e -> new Use(e.getKey(), e.getValue().lastUsedNanos)).toList().stream()
                    .sorted(Comparator.comparingLong(Use::at))
                    .limit(excess)
                    .forEach(u -> buckets.remove(u.key()));
        }
    }
}
