/** Tasks: creation, edits, ordering within columns, the lifecycle (start, complete, cancel, claim) and the read models. */
package dev.agentkanban.task;
