package dev.agentkanban.identity;

import java.util.function.Supplier;

/**
 * Holds the {@link RequestContext} of the running request for its thread. Entry points bind it with
 * {@link #runAs}; feature code reads it with {@link #get}.
 */
public final class CurrentRequest {

    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

    private CurrentRequest() {}

    public static RequestContext get() {
        RequestContext ctx = CURRENT.get();
        if (ctx == null) {
            throw new IllegalStateException("no request context bound to this thread");
        }
        return ctx;
    }

    /** The context, or null outside a workspace-scoped request. */
    public static RequestContext orNull() {
        return CURRENT.get();
    }

    public static <T> T runAs(RequestContext ctx, Supplier<T> work) {
        RequestContext previous = CURRENT.get();
        CURRENT.set(ctx);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    public static void runAs(RequestContext ctx, Runnable work) {
        runAs(ctx, () -> {
            work.run();
            return null;
        });
    }
}
