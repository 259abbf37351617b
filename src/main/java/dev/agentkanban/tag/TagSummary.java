package dev.agentkanban.tag;

import java.time.Instant;

/** A tag of the workspace with how many tasks carry it (the tag endpoints' view). */
public record TagSummary(long id, String name, String color, long taskCount, Instant createdAt) {}
