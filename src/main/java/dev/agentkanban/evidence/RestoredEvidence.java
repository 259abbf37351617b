package dev.agentkanban.evidence;

import java.time.Instant;

/**
 * Evidence as it is stored, new or as it was elsewhere (imports and restores): the kind as on the wire (the table refuses an
 * unknown one), the file if any with the size and SHA-256 the caller computed from its bytes, and its
 * author and time (null: now).
 */
public record RestoredEvidence(
        String kind,
        String note,
        String url,
        Double measurementValue,
        String measurementUnit,
        String filename,
        String contentType,
        byte[] content,
        String sha256,
        Double latitude,
        Double longitude,
        Instant capturedAt,
        String createdBy,
        Instant createdAt) {}
