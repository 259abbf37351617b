package dev.agentkanban.board;

/**
 * A board is about to be deleted, in the deleting transaction: what belongs to it in other features
 * (a webhook scoped to it) is taken along, and recorded, before the board's row goes.
 */
public record BoardDeleting(long workspaceId, long boardId, String name) {}
