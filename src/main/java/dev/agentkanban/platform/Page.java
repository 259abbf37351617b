package dev.agentkanban.platform;

import java.util.List;
import java.util.function.Function;

/** One page of a list: {@code {items, total, limit, offset}}. */
public record Page<T>(List<T> items, long total, int limit, long offset) {

    /** The page of a whole list already in memory (a workspace's tags, a user's tokens). */
    public static <T> Page<T> of(List<T> all, PageRequest page) {
        int from = (int) Math.min(all.size(), page.offset());
        int to = (int) Math.min(all.size(), (long) from + page.limit());
        return new Page<>(List.copyOf(all.subList(from, to)), all.size(), page.limit(), page.offset());
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), total, limit, offset);
    }
}
