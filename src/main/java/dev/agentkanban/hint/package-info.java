/**
 * Hints: suggestions for a task (a better title, a priority, tags, a likely duplicate, ...) proposed by
 * the worker or anyone with write access, which a person or an agent applies or dismisses. Applying
 * goes through the task's own update path, so it is versioned, audited and broadcast like any edit.
 */
package dev.agentkanban.hint;
