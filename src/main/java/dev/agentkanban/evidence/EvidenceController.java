package dev.agentkanban.evidence;

import dev.agentkanban.evidence.EvidenceRequests.AddEvidence;
import dev.agentkanban.evidence.EvidenceRequests.Upload;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.JsonLimits;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Problems;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.platform.WireEnums;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/api/v1")
class EvidenceController {

    private final Evidences evidences;

    EvidenceController(Evidences evidences) {
        this.evidences = evidences;
    }

    @GetMapping("/tasks/{taskId}/evidence")
    Page<Evidence> list(
            @PathVariable long taskId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return evidences.list(taskId, PageRequest.of(limit, offset));
    }

    /**
     * Evidence described in JSON, without a file (note, link, measurement, or a photo/voice by url).
     * {@code If-Match}, as on every write under a task, takes the task's version; {@code /evidence/{id}}
     * takes none (evidence has no version of its own).
     */
    @PostMapping(path = "/tasks/{taskId}/evidence", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Evidence> add(
            @PathVariable long taskId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestBody AddEvidence request) {
        return created(evidences.add(taskId, Versions.expected(ifMatch), request, null));
    }

    /**
     * Evidence as a form upload: the {@code file} part plus the same fields as the JSON form ({@code lat},
     * {@code lon}/{@code lng} too).
     */
    @PostMapping(path = "/tasks/{taskId}/evidence", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Evidence> upload(
            @PathVariable long taskId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestPart(name = "file", required = false) List<MultipartFile> files,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) String note,
            @RequestParam(required = false) String url,
            @RequestParam(name = "measurement_value", required = false) String measurementValue,
            @RequestParam(name = "measurement_unit", required = false) String measurementUnit,
            @RequestParam(required = false) String latitude,
            @RequestParam(required = false) String longitude,
            @RequestParam(required = false) String lat,
            @RequestParam(required = false) String lon,
            @RequestParam(required = false) String lng,
            @RequestParam(name = "captured_at", required = false) String capturedAt)
            throws IOException {
        if (files != null && files.size() > 1) {
            // one piece of evidence per request: storing the first and dropping the rest would lose files
            throw ApiException.invalid("file", "send one file per request (" + files.size() + " were sent)");
        }
        MultipartFile file = files == null || files.isEmpty() ? null : files.getFirst();
        AddEvidence request = new AddEvidence(
                WireEnums.parse(EvidenceKind.class, "kind", blankToNull(kind)),
                note,
                url,
                number("measurement_value", measurementValue),
                measurementUnit,
                number("latitude", firstGiven(latitude, lat)),
                number("longitude", firstGiven(longitude, lon, lng)),
                JsonLimits.instant("captured_at", capturedAt));
        // a form without a chosen file still sends an empty, nameless file part
        boolean hasFile = file != null
                && !(file.isEmpty()
                        && (file.getOriginalFilename() == null
                                || file.getOriginalFilename().isEmpty()));
        Upload upload = hasFile ? new Upload(file.getOriginalFilename(), file.getContentType(), file.getBytes()) : null;
        return created(evidences.add(taskId, Versions.expected(ifMatch), request, upload));
    }

    @GetMapping("/evidence/{id}")
    Evidence get(@PathVariable long id) {
        return evidences.get(id);
    }

    /**
     * The file, byte for byte. Types that could run in a browser are sent as a download; the ETag is the
     * SHA-256, so {@code If-None-Match} gets a 304. A {@code Range} gets a 206 with that part (a player
     * seeking in a voice recording, a resumed download); one wholly beyond the file a 416 problem with
     * {@code Content-Range: bytes *}{@code /size}; a {@code Range} that does not parse is ignored (RFC 9110
     * §14.2): the whole file.
     */
    @GetMapping("/evidence/{id}/content")
    ResponseEntity<?> content(@PathVariable long id, @RequestHeader(value = "Range", required = false) String range) {
        EvidenceContent content = evidences.content(id);
        ByteArrayResource file = new ByteArrayResource(content.bytes());
        List<HttpRange> ranges = List.of();
        if (range != null) {
            try {
                ranges = HttpRange.parseRanges(range);
            } catch (IllegalArgumentException e) {
                // not a range this server understands: served whole, as a byte array (no range handling)
                return served(content).body(content.bytes());
            }
            try {
                HttpRange.toResourceRegions(ranges, file);
            } catch (IllegalArgumentException e) {
                return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                        .header(HttpHeaders.CONTENT_RANGE, "bytes */" + content.sizeBytes())
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(Problems.of(new ApiException(
                                HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                                "range-not-satisfiable",
                                "Range not satisfiable",
                                "the file of evidence " + id + " has " + content.sizeBytes() + " bytes; " + range
                                        + " lies beyond them",
                                null)));
            }
        }
        // a Resource body: Spring answers the Range with a 206 and sets the lengths
        return served(content).body(file);
    }

    /** The headers of a download: its ETag, the type to serve, and what keeps a browser from running it. */
    private static ResponseEntity.BodyBuilder served(EvidenceContent content) {
        ContentDisposition disposition = (content.inline()
                        ? ContentDisposition.inline()
                        : ContentDisposition.attachment())
                .filename(content.downloadName(), StandardCharsets.UTF_8)
                .build();
        return ResponseEntity.ok()
                .eTag("\"" + content.sha256() + "\"")
                .contentType(MediaType.parseMediaType(content.servedType()))
                .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition.toString())
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox");
    }

    @DeleteMapping("/evidence/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        evidences.delete(id);
    }

    private static ResponseEntity<Evidence> created(Evidence evidence) {
        return ResponseEntity.created(URI.create("/api/v1/evidence/" + evidence.id()))
                .body(evidence);
    }

    private static Double number(String field, String value) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            return Double.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(field, "must be a number");
        }
    }

    /** The first of a field's spellings that was sent (not blank), or null. */
    private static String firstGiven(String... spellings) {
        for (String s : spellings) {
            if (blankToNull(s) != null) {
                return s;
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
