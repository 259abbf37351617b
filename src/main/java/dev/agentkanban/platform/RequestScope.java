package dev.agentkanban.platform;

import java.util.function.Supplier;

/**
 * The workspace and actor the running request acts for, as the platform needs them (the row-level
 * security context of {@link Transactions}, idempotency keys, the status counts). The identity feature
 * resolves them and binds its richer request context, which is one of these, through {@link #runAs};
 * the platform reads it without knowing about users, roles or credentials.
 */
public interface RequestScope {

    long workspaceId();

    String actor();

    /** The scope bound to this thread; {@link IllegalStateException} when none is. */
    static RequestScope current() {
        RequestScope scope = Holder.CURRENT.get();
        if (scope == null) {
            throw new IllegalStateException("no request context bound to this thread");
        }
        return scope;
    }

    /** The scope bound to this thread, or null outside a workspace-scoped request. */
    static RequestScope currentOrNull() {
        return Holder.CURRENT.get();
    }

    /** Runs {@code work} with {@code scope} bound to this thread, restoring what was bound before. */
    static <T> T runAs(RequestScope scope, Supplier<T> work) {
        RequestScope previous = Holder.CURRENT.get();
        Holder.CURRENT.set(scope);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                Holder.CURRENT.remove();
            } else {
                Holder.CURRENT.set(previous);
            }
        }
    }

    /** The thread's binding (an interface cannot hold a private field). */
    final class Holder {
        private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<>();

        private Holder() {}
    }
}
