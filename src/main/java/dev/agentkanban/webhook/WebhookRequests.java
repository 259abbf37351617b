package dev.agentkanban.webhook;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of the webhook API. */
final class WebhookRequests {

    private WebhookRequests() {}

    /** A new webhook; without a secret the server generates one (returned once). */
    public record CreateWebhook(
            @NotBlank @Size(max = 2000) String url,
            @Size(max = 50) List<@NotNull String> eventTypes,
            Long boardId,
            @Size(min = 16, max = 200) String secret,
            Boolean active) {}

    /** A partial update: absent fields stay as they are. */
    public record UpdateWebhook(
            @Size(max = 2000) String url,
            @Size(max = 50) List<@NotNull String> eventTypes,
            Long boardId,
            @Size(min = 16, max = 200) String secret,
            Boolean active) {}
}
