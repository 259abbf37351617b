package dev.agentkanban.identity;

import dev.agentkanban.platform.RequestScope;
import java.util.function.Supplier;

/**
 * The {@link RequestContext} of the running request. Entry points bind it with {@link #runAs}; feature
 * code reads it with {@link #get}. It is held as the platform's {@link RequestScope}, so that platform
 * code (transactions, idempotency) sees the same binding without depending on this feature.
 */
public final class CurrentRequest {

    private CurrentRequest() {}

    public static RequestContext get() {
        if (RequestScope.current() instanceof RequestContext ctx) {
            return ctx;
        }
        throw new IllegalStateException("the bound request scope carries no caller");
    }

    /** The context, or null outside a workspace-scoped request. */
    public static RequestContext orNull() {
        return RequestScope.currentOrNull() instanceof RequestContext ctx ? ctx : null;
    }

    public static <T> T runAs(RequestContext ctx, Supplier<T> work) {
        return RequestScope.runAs(ctx, work);
    }

    public static void runAs(RequestContext ctx, Runnable work) {
        RequestScope.runAs(ctx, () -> {
            work.run();
            return null;
        });
    }
}
