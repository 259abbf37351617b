package dev.agentkanban.template;

import java.time.Instant;

/**
 * A template to create boards from. {@code id} is a built-in template's name ({@code basic-kanban})
 * or a saved template's number; built-in ones have no author and cannot be deleted.
 */
public record BoardTemplate(
        String id,
        String name,
        String description,
        boolean builtIn,
        TemplateContent content,
        String createdBy,
        Instant createdAt) {}
