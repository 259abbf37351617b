package dev.agentkanban.comment;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The payload of a {@code comment_added} event: the comment's fields, and {@code task_version}, the
 * version the comment gave its task (a comment is part of the task's view), so that a client keeping
 * the task's version for {@code If-Match} takes it from the event instead of reading the task again.
 */
record CommentAdded(@JsonUnwrapped Comment comment, long taskVersion) {}
