package dev.agentkanban.evidence;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.evidence.EvidenceRequests.AddEvidence;
import dev.agentkanban.evidence.EvidenceRequests.Upload;
import dev.agentkanban.history.HistoryLog;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.TaskRef;
import dev.agentkanban.task.TaskRefs;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;

/**
 * The evidence feature's API. Files are kept in PostgreSQL with their size and SHA-256 computed here,
 * never taken from the client; files over {@code kanban.evidence-max-bytes} are refused with 413.
 * Adding and deleting append one outbox event (metadata only, never content) and one task history row
 * in the same transaction.
 */
@Service
public class Evidences {

    private static final String OCTET_STREAM = MediaType.APPLICATION_OCTET_STREAM_VALUE;
    /** How far ahead of this server's clock a {@code captured_at} may be: a device's clock running fast. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final EvidenceRepository repo;
    private final TaskRefs tasks;
    private final Transactions tx;
    private final Outbox outbox;
    private final HistoryLog history;
    private final RequestBodies bodies;
    private final long maxBytes;

    Evidences(
            EvidenceRepository repo,
            TaskRefs tasks,
            Transactions tx,
            Outbox outbox,
            HistoryLog history,
            RequestBodies bodies,
            @Value("${kanban.evidence-max-bytes}") long maxBytes) {
        this.repo = repo;
        this.tasks = tasks;
        this.tx = tx;
        this.outbox = outbox;
        this.history = history;
        this.bodies = bodies;
        this.maxBytes = maxBytes;
    }

    /** The task's evidence, oldest first, without file contents. */
    public Page<Evidence> list(long taskId, PageRequest page) {
        long ws = ws();
        return tx.read(() -> {
            tasks.require(taskId);
            return new Page<>(
                    repo.list(ws, taskId, page.limit(), page.offset()),
                    repo.count(ws, taskId),
                    page.limit(),
                    page.offset());
        });
    }

    public Evidence get(long id) {
        long ws = ws();
        return tx.read(() -> repo.find(ws, id, false)
                .filter(e -> tasks.isLive(e.taskId()))
                .orElseThrow(() -> ApiException.notFound("evidence", id)));
    }

    /** The stored file; 404 when the evidence does not exist or carries no file. */
    public EvidenceContent content(long id) {
        long ws = ws();
        return tx.read(() -> repo.find(ws, id, false)
                .filter(e -> tasks.isLive(e.taskId()))
                .flatMap(e -> repo.content(ws, id))
                .orElseThrow(() -> ApiException.notFound("file of evidence", id)));
    }

    /**
     * Adds evidence to a task, with an optional file. Rules: a note needs {@code note}, a link an http(s)
     * {@code url}, a measurement a {@code measurement_value}, a file a file, a photo or voice recording a
     * file or a url; latitude (-90..90) and longitude (-180..180) come together; {@code captured_at} is not
     * later than now (give or take {@link #CLOCK_SKEW}).
     */
    public Evidence add(long taskId, AddEvidence request, Upload upload) {
        return add(taskId, null, request, upload);
    }

    /** {@link #add(long, AddEvidence, Upload)}, checking the task's version the caller saw (If-Match) when given. */
    public Evidence add(long taskId, Precondition expectedVersion, AddEvidence request, Upload upload) {
        RequestContext ctx = CurrentRequest.get();
        RestoredEvidence evidence = validated(request, upload, ctx.actor());
        return tx.write(() -> {
            TaskRef task = tasks.lockForChange(taskId, expectedVersion);
            long id = repo.insert(ctx.workspaceId(), taskId, evidence);
            Evidence added = repo.find(ctx.workspaceId(), id, false).orElseThrow();
            history.record(task, "evidence_added", null, null, Long.toString(id));
            outbox.append(EventType.EVIDENCE_ADDED, task.boardId(), task.id(), added);
            return added;
        });
    }

    /**
     * The checks {@link #add(long, AddEvidence, Upload)} makes of a JSON description (no file), without
     * writing anything: for a caller that adds several and refuses them all when one is bad.
     */
    public void check(AddEvidence request) {
        validated(request, null, CurrentRequest.get().actor());
    }

    /**
     * Inserts evidence as it was elsewhere (imports) on a task the import just wrote, inside the import's
     * write transaction; no history row or event of its own (the task's created row and event cover it).
     */
    public long restore(long taskId, RestoredEvidence evidence) {
        Transactions.requireActive("restoring must happen inside the import's transaction");
        return repo.insert(CurrentRequest.get().workspaceId(), taskId, evidence);
    }

    /**
     * Deletes evidence; 403 unless the caller added it or is an admin of the workspace (as for comments:
     * evidence is someone's proof of work, not for another member to take away).
     */
    public void delete(long id) {
        RequestContext ctx = CurrentRequest.get();
        long ws = ctx.workspaceId();
        tx.write(() -> {
            Evidence evidence = repo.find(ws, id, true).orElseThrow(() -> ApiException.notFound("evidence", id));
            TaskRef task = tasks.lockForChange(evidence.taskId()); // 404 when its task is in the trash
            if (!ctx.isAdminOr(evidence.createdBy())) {
                throw ApiException.forbidden("only who added evidence " + id + " or an admin may delete it");
            }
            repo.delete(ws, id);
            history.record(task, "evidence_deleted", null, null, Long.toString(id));
            outbox.append(EventType.EVIDENCE_DELETED, task.boardId(), task.id(), evidence);
        });
    }

    private RestoredEvidence validated(AddEvidence request, Upload upload, String actor) {
        if (upload != null && upload.bytes().length > maxBytes) {
            throw ApiException.tooLarge("the file has " + upload.bytes().length + " bytes; the limit is " + maxBytes);
        }
        if (request == null) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        bodies.validate(request);
        EvidenceKind kind =
                request.kind() != null ? request.kind() : upload != null ? EvidenceKind.FILE : EvidenceKind.NOTE;
        String note = blankToNull(request.note());
        String url = blankToNull(request.url());
        Double value = request.measurementValue();
        if (upload != null && upload.bytes().length == 0) {
            throw ApiException.invalid("file", "must not be empty");
        }
        if (url != null) {
            requireWebUrl(url);
        }
        if (value != null && !Double.isFinite(value)) {
            throw ApiException.invalid("measurement_value", "must be a finite number");
        }
        requireCoordinates(request.latitude(), request.longitude());
        if (request.capturedAt() != null
                && request.capturedAt().isAfter(Instant.now().plus(CLOCK_SKEW))) {
            throw ApiException.invalid(
                    "captured_at", "must not lie in the future: it is when the evidence was captured");
        }
        switch (kind) {
            case NOTE -> require(note != null, "note", "a note needs a note");
            case LINK -> require(url != null, "url", "a link needs a url");
            case MEASUREMENT -> require(value != null, "measurement_value", "a measurement needs a measurement_value");
            case FILE -> require(upload != null, "file", "a file needs a file");
            case PHOTO, VOICE -> require(upload != null || url != null, "file", "a " + kind + " needs a file or a url");
        }
        byte[] content = upload == null ? null : upload.bytes();
        return new RestoredEvidence(
                kind.toString(),
                note,
                url,
                value,
                blankToNull(request.measurementUnit()),
                upload == null ? null : filename(upload.filename()),
                upload == null ? null : contentType(upload.contentType()),
                content,
                content == null ? null : sha256(content),
                request.latitude(),
                request.longitude(),
                request.capturedAt(),
                actor,
                null);
    }

    private static void requireWebUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw ApiException.invalid("url", "must be an http or https URL");
    }

    private static void requireCoordinates(Double latitude, Double longitude) {
        if ((latitude == null) != (longitude == null)) {
            throw ApiException.invalid(
                    latitude == null ? "latitude" : "longitude", "latitude and longitude come together");
        }
        if (latitude != null && !(latitude >= -90 && latitude <= 90)) {
            throw ApiException.invalid("latitude", "must be between -90 and 90");
        }
        if (longitude != null && !(longitude >= -180 && longitude <= 180)) {
            throw ApiException.invalid("longitude", "must be between -180 and 180");
        }
    }

    private static void require(boolean condition, String field, String message) {
        if (!condition) {
            throw ApiException.invalid(field, message);
        }
    }

    /**
     * The last path segment of what the client called the file, at most 255 characters, without control
     * characters and without the bidirectional controls that make a name show as another one
     * ({@code invoice\u202Efdp.exe} shows as "invoiceexe.pdf").
     */
    static String filename(String raw) {
        if (raw == null) {
            return null;
        }
        String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1)
                .codePoints()
                .filter(c -> !Character.isISOControl(c) && !isBidiControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString()
                .strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return null;
        }
        return name.codePointCount(0, name.length()) <= 255 ? name : name.substring(0, name.offsetByCodePoints(0, 255));
    }

    /** The marks and embeddings/overrides/isolates of Unicode's bidirectional algorithm (UAX #9). */
    private static boolean isBidiControl(int c) {
        return c == 0x061C
                || c == 0x200E
                || c == 0x200F
                || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069);
    }

    /** The declared media type if it is a concrete, well-formed one; otherwise a plain byte stream. */
    static String contentType(String raw) {
        if (raw == null || raw.isBlank()) {
            return OCTET_STREAM;
        }
        try {
            MediaType type = MediaType.parseMediaType(raw);
            String normalized = type.toString().toLowerCase(Locale.ROOT);
            return type.isConcrete() && normalized.length() <= 255 ? normalized : OCTET_STREAM;
        } catch (InvalidMediaTypeException e) {
            return OCTET_STREAM;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }
}
