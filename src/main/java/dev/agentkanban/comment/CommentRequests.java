package dev.agentkanban.comment;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the comment API. The author is never part of a request: it is the caller. */
final class CommentRequests {

    private CommentRequests() {}

    /** The comment's text as {@code body}, or as {@code text} the way seed 002's clients send it. */
    record WriteComment(
            @JsonAlias("text") @NotBlank @CodePointLength(max = Comments.MAX_BODY)
            String body) {}

    /** Seed 002's {@code POST /api/comments/}: the task in the body ({@code ticket_id}), the text as {@code text}. */
    record WriteTaskComment(
            @JsonAlias("ticket_id") @NotNull Long taskId,

            @JsonAlias("text") @NotBlank @CodePointLength(max = Comments.MAX_BODY)
            String body) {}
}
