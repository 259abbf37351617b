package dev.agentkanban.events;

import java.util.List;

/**
 * A page of the change feed. Pass {@code nextCursor} as {@code after} to continue; it may move past the
 * last item (when no event of this workspace lies in between), and it never moves past an event that
 * could still appear.
 */
record FeedPage(List<ChangeEvent> items, long nextCursor, boolean hasMore) {}
