package dev.agentkanban.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One committed change, as the change feed hands it out. {@code eventId} is the outbox id: events are
 * delivered in its order, and a client de-duplicates and resumes by it. {@code data} is the state the
 * change produced (event-carried state). The workspace is for routing and never leaves the server;
 * so is {@code ruleDepth}, how many automation rule runs in a chain led to this change (0: a person's
 * or an agent's own change), which the rule engine uses to stop loops.
 */
public record ChangeEvent(
        long eventId,
        @JsonIgnore long workspaceId,
        String type,
        Long boardId,
        Long taskId,
        String actor,
        Instant occurredAt,
        JsonNode data,
        @JsonIgnore int ruleDepth) {}
