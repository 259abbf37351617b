package dev.agentkanban.comment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Request bodies of the comment API. The author is never part of a request: it is the caller. */
final class CommentRequests {

    private CommentRequests() {}

    record WriteComment(@NotBlank @Size(max = Comments.MAX_BODY) String body) {}
}
