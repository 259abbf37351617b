package dev.agentkanban.evidence;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the evidence API. */
public final class EvidenceRequests {

    private EvidenceRequests() {}

    /**
     * The description of a piece of evidence, sent as JSON or as the fields of a multipart upload.
     * Without {@code kind} it is a {@code file} when a file comes along and a {@code note} otherwise.
     * {@code lat} and {@code lon} (or {@code lng}) are accepted for {@code latitude} and {@code longitude}
     * (SPEC §2 names them so).
     */
    public record AddEvidence(
            EvidenceKind kind,
            @CodePointLength(max = 20000) String note,
            @Size(max = 2000) String url,
            Double measurementValue,
            @CodePointLength(max = 50) String measurementUnit,

            @JsonAlias("lat") @DecimalMin("-90") @DecimalMax("90")
            Double latitude,

            @JsonAlias({"lon", "lng"}) @DecimalMin("-180") @DecimalMax("180")
            Double longitude,

            Instant capturedAt) {}

    /** A file sent with the evidence; name and type as the client declared them. */
    public record Upload(String filename, String contentType, byte[] bytes) {}
}
