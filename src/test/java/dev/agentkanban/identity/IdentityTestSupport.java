package dev.agentkanban.identity;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** Helpers the identity tests share. */
final class IdentityTestSupport {

    private IdentityTestSupport() {}

    /** Runs {@code request} {@code n} times at once (one thread each) and answers the results in order. */
    static <T> List<T> inParallel(int n, IntFunction<T> request) {
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<CompletableFuture<T>> all = IntStream.range(0, n)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> request.apply(i), pool))
                    .toList();
            return all.stream().map(CompletableFuture::join).toList();
        }
    }
}
