/** Reading the audit trail: a task's history and column transitions, board activity, history statistics. */
package dev.agentkanban.history;
