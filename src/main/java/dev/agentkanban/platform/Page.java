package dev.agentkanban.platform;

import java.util.List;
import java.util.function.Function;

/** One page of a list: {@code {items, total, limit, offset}}. */
public record Page<T>(List<T> items, long total, int limit, long offset) {

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), total, limit, offset);
    }
}
