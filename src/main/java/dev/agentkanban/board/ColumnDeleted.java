package dev.agentkanban.board;

/**
 * A column was deleted, published inside the deleting transaction (synchronously, before it commits):
 * features that name columns by id (rules) settle what named it in that same transaction.
 */
public record ColumnDeleted(long boardId, long columnId, String name) {}
