package dev.agentkanban.task;

/** Another task as a relation shows it: enough to name and link it. */
public record TaskLink(long id, long boardId, String title, TaskStatus status) {}
