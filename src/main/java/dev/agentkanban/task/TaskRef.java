package dev.agentkanban.task;

import dev.agentkanban.history.Subject;

/** The identity of a task other features attach things to (comments, tags, evidence). */
public record TaskRef(long id, long boardId, long workspaceId) implements Subject {}
