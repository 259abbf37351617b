package dev.agentkanban.savedview;

import java.time.Instant;
import java.util.Map;

/**
 * A named set of filters for a board, as the board's URL and {@code GET /api/v1/tasks} take them
 * ({@code q}, {@code priority}, {@code cf.<field>}, ...). {@code mine}: the caller owns it (and may
 * change or delete it); {@code shared}: everyone who reads the board sees it.
 */
public record SavedView(
        long id,
        long boardId,
        String name,
        String owner,
        boolean shared,
        boolean mine,
        Map<String, String> filters,
        Instant createdAt,
        Instant updatedAt) {}
