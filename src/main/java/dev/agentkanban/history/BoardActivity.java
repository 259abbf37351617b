package dev.agentkanban.history;

import java.time.Instant;
import java.util.List;

/**
 * One page of a board's audit trail over a window, newest first: {@code since} inclusive,
 * {@code until} exclusive; a null {@code until} means the window runs up to now.
 */
record BoardActivity(
        long boardId, Instant since, Instant until, List<HistoryEntry> items, long total, int limit, long offset) {}
