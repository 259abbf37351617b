package dev.agentkanban.evidence;

import java.time.Instant;

/**
 * A piece of evidence on a task, without its file content. {@code sha256} and {@code sizeBytes} are
 * computed by the server; {@code contentUrl} is where the file is downloaded, null when there is none.
 */
public record Evidence(
        long id,
        long taskId,
        EvidenceKind kind,
        String note,
        String url,
        Double measurementValue,
        String measurementUnit,
        String filename,
        String contentType,
        Long sizeBytes,
        String sha256,
        Double latitude,
        Double longitude,
        Instant capturedAt,
        String createdBy,
        Instant createdAt,
        String contentUrl) {}
