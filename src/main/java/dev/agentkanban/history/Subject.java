package dev.agentkanban.history;

/**
 * What a history row is about: a task of a board of a workspace. The task feature's {@code TaskRef}
 * is one, so the audit trail does not depend on the task feature that writes to it.
 */
public interface Subject {

    long id();

    long boardId();

    long workspaceId();
}
