package dev.agentkanban.platform;

import java.util.Set;

/**
 * A partial update: the values a client sent, validated like a full request, plus which fields it
 * actually sent. An absent field stays as it is; a field sent as {@code null} is cleared.
 */
public record Patch<T>(T values, Set<String> present) {

    public boolean has(String field) {
        return present.contains(field);
    }
}
