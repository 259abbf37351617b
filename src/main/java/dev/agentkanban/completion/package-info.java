/**
 * Completing a task with its record of why: notes (a comment) and evidence, all or nothing in one
 * transaction. The one code path behind REST's {@code POST /tasks/{id}/complete} and MCP's complete_task.
 */
package dev.agentkanban.completion;
