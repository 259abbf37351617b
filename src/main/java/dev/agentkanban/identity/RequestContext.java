package dev.agentkanban.identity;

import dev.agentkanban.platform.RequestScope;

/**
 * Who is asking, and in which workspace. Every read and write runs inside one; it is resolved in a
 * single place per entry point (HTTP filter, CLI, worker) and never hard-coded elsewhere.
 */
public record RequestContext(long workspaceId, String actor, Role role) implements RequestScope {

    /** Whether the caller may change or remove what {@code owner} wrote (a comment, evidence): its author or an admin. */
    public boolean isAdminOr(String owner) {
        return role == Role.ADMIN || actor.equals(owner);
    }
}
