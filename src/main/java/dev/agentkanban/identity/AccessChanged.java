package dev.agentkanban.identity;

/**
 * Someone's access changed somewhere (any instance): a token was revoked, a session ended, a user was
 * disabled, deleted or had their sessions ended, or a membership was changed or removed. Announced by
 * the database at commit ({@code NOTIFY kanban_access}, V13) and published to this instance's listeners,
 * which re-check what they hold (open WebSockets, the signature cache). {@code what} is the payload
 * ({@code token:<id>}, {@code session:<jti>}, {@code user:<id>}, {@code member:<workspace>:<user>}), or
 * {@code *} when notifications may have been missed (after a reconnect).
 */
public record AccessChanged(String what) {

    public static final String CHANNEL = "kanban_access";
    public static final AccessChanged ANYTHING = new AccessChanged("*");
}
