package dev.agentkanban.identity;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A per-instance cache of what the database said about credentials and memberships, emptied at every
 * access change ({@link AccessWatch}: NOTIFY kanban_access, from any instance) and bypassed while the
 * listener is not confirmed. Only positive answers are kept (a refusal is asked again), and an answer
 * read while a change arrived is not kept (the generation moved on while it was read).
 */
final class IdentityCache<K, V> {

    private static final int MAX_ENTRIES = 10_000;

    private final AccessWatch watch;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

    private record Entry<V>(V value, long generation) {}

    IdentityCache(AccessWatch watch) {
        this.watch = watch;
    }

    /** The cached answer for {@code key}, else {@code load}'s (kept when present and still current). */
    Optional<V> get(K key, Supplier<Optional<V>> load) {
        long generation = watch.generation();
        boolean trusted = watch.trusted();
        if (trusted) {
            Entry<V> e = entries.get(key);
            if (e != null && e.generation() == generation) {
                return Optional.of(e.value());
            }
        }
        Optional<V> loaded = load.get();
        if (trusted && loaded.isPresent() && watch.generation() == generation) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry<>(loaded.get(), generation));
        }
        return loaded;
    }

    /** Replaces a cached answer that this instance itself changed (e.g. a token's last use). */
    void update(K key, V value) {
        entries.computeIfPresent(key, (k, e) -> new Entry<>(value, e.generation()));
    }
}
