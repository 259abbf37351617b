package dev.agentkanban.transfer;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.transfer.TodoImport.TodoReport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Imports and exports over HTTP: the same operations as the CLI commands, on the request's workspace. */
@RestController
@RequestMapping("/api/v1")
class TransferController {

    static final String MARKDOWN = "text/markdown";

    private final TodoImport todoImport;
    private final TodoExport todoExport;
    private final CsvTransfer csv;
    private final JsonExport jsonExport;
    private final JsonImport jsonImport;
    private final TrelloImport trello;
    private final ImportProgress progress;
    private final JsonMapper json;

    TransferController(
            TodoImport todoImport,
            TodoExport todoExport,
            CsvTransfer csv,
            JsonExport jsonExport,
            JsonImport jsonImport,
            TrelloImport trello,
            ImportProgress progress,
            JsonMapper json) {
        this.todoImport = todoImport;
        this.todoExport = todoExport;
        this.csv = csv;
        this.jsonExport = jsonExport;
        this.jsonImport = jsonImport;
        this.trello = trello;
        this.progress = progress;
        this.json = json;
    }

    /** A TODO.md file as the request body ({@code text/markdown} or {@code text/plain}, UTF-8 unless a charset is given). */
    @PostMapping(
            path = "/import/todo-md",
            consumes = {
                MARKDOWN,
                "text/x-markdown",
                MediaType.TEXT_PLAIN_VALUE,
                MediaType.APPLICATION_OCTET_STREAM_VALUE
            })
    TodoReport importTodo(
            @RequestBody byte[] body,
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) MediaType type,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId,
            @RequestParam(name = "dry_run", required = false) String dryRunFlag,
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(name = "board", required = false) String board) {
        boolean dryRun = dryRun(dryRunFlag);
        return progress.track(
                progressId,
                "todo-md",
                dryRun,
                "tasks",
                p -> todoImport.run(text(body, type), BoardTarget.of(boardId, board), dryRun, p));
    }

    /**
     * The {@code dry_run} flag: absent is a real run; present without a value ({@code ?dry_run}) is a dry
     * run, as a flag reads; otherwise true/false (also yes/no, on/off, 1/0), anything else a 422. A bare
     * flag used to read as false and ran the import for real.
     */
    static boolean dryRun(String flag) {
        if (flag == null) {
            return false;
        }
        return switch (flag.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "", "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw ApiException.invalid("dry_run", "must be true or false");
        };
    }

    /** A TODO.md file as the {@code file} part of a form upload. */
    @PostMapping(path = "/import/todo-md", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    TodoReport importTodoFile(
            @RequestPart("file") MultipartFile file,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId,
            @RequestParam(name = "dry_run", required = false) String dryRunFlag,
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(name = "board", required = false) String board)
            throws IOException {
        boolean dryRun = dryRun(dryRunFlag);
        String text = text(file.getBytes(), contentType(file));
        return progress.track(
                progressId,
                "todo-md",
                dryRun,
                "tasks",
                p -> todoImport.run(text, BoardTarget.of(boardId, board), dryRun, p));
    }

    @GetMapping(path = "/export/todo-md")
    ResponseEntity<String> exportTodo(
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(name = "board", required = false) String board) {
        TodoExport.Exported exported = todoExport.export(BoardTarget.of(boardId, board));
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "markdown", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, attachment("TODO.md"))
                .body(exported.text());
    }

    /** A board's tasks as CSV (columns in docs/import-export.md). */
    @GetMapping(path = "/export/csv")
    ResponseEntity<String> exportCsv(
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(name = "board", required = false) String board) {
        CsvTransfer.Exported exported = csv.export(BoardTarget.of(boardId, board));
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        attachment(filename(exported.board().name()) + ".csv"))
                .body(exported.text());
    }

    @PostMapping(
            path = "/import/csv",
            consumes = {
                "text/csv",
                "application/csv",
                MediaType.TEXT_PLAIN_VALUE,
                MediaType.APPLICATION_OCTET_STREAM_VALUE
            })
    CsvTransfer.CsvReport importCsv(
            @RequestBody byte[] body,
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) MediaType type,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId,
            @RequestParam(name = "dry_run", required = false) String dryRunFlag,
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(name = "board", required = false) String board) {
        boolean dryRun = dryRun(dryRunFlag);
        return progress.track(
                progressId,
                "csv",
                dryRun,
                "rows",
                p -> csv.importCsv(text(body, type), BoardTarget.of(boardId, board), dryRun, p));
    }

    @PostMapping(path = "/import/csv", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    CsvTransfer.CsvReport importCsvFile(
            @RequestPart("file") MultipartFile file,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId,
            @RequestParam(name = "dry_run", required = false) String dryRunFlag,
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(name = "board", required = false) String board)
            throws IOException {
        boolean dryRun = dryRun(dryRunFlag);
        String text = text(file.getBytes(), contentType(file));
        return progress.track(
                progressId, "csv", dryRun, "rows", p -> csv.importCsv(text, BoardTarget.of(boardId, board), dryRun, p));
    }

    /** The whole workspace as one JSON document, written while it is read (see JsonExport). */
    @GetMapping(path = "/export/json")
    void exportJson(HttpServletResponse response) throws IOException {
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, attachment("workspace.json"));
        jsonExport.export(response.getOutputStream());
    }

    /** Restores a workspace document into the request's workspace, which must have no boards (409 otherwise). */
    @PostMapping(
            path = "/import/json",
            consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<JsonImport.Restored> importJson(
            HttpServletRequest request,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId)
            throws IOException {
        InputStream in = request.getInputStream();
        try {
            return ResponseEntity.status(HttpStatus.CREATED)
                    .body(progress.track(progressId, "json", false, "tasks", p -> jsonImport.restore(in, p)));
        } catch (JacksonIOException e) {
            throw unreadable(request, e);
        }
    }

    /** The body broke off or ran over the size limit while it was read: the problem handler tells which. */
    private static HttpMessageNotReadableException unreadable(HttpServletRequest request, JacksonIOException e) {
        return new HttpMessageNotReadableException(
                "could not read the request body", e, new ServletServerHttpRequest(request));
    }

    @PostMapping(path = "/import/json", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<JsonImport.Restored> importJsonFile(
            @RequestPart("file") MultipartFile file,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId)
            throws IOException {
        try (InputStream in = file.getInputStream()) {
            return ResponseEntity.status(HttpStatus.CREATED)
                    .body(progress.track(progressId, "json", false, "tasks", p -> jsonImport.restore(in, p)));
        }
    }

    /** A Trello board export (JSON) as a new board; {@code name} overrides the board's name. */
    @PostMapping(path = "/import/trello", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TrelloImport.TrelloReport> importTrello(
            @RequestBody JsonNode export,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "dry_run", required = false) String dryRunFlag) {
        boolean dryRun = dryRun(dryRunFlag);
        return created(progress.track(
                progressId, "trello", dryRun, "cards", p -> trello.importBoard(export, name, dryRun, p)));
    }

    @PostMapping(path = "/import/trello", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<TrelloImport.TrelloReport> importTrelloFile(
            @RequestPart("file") MultipartFile file,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "dry_run", required = false) String dryRunFlag)
            throws IOException {
        try (InputStream in = file.getInputStream()) {
            return importTrelloStream(in, progressId, name, dryRunFlag);
        }
    }

    /**
     * A Trello export as a body without a JSON type: {@code application/octet-stream}, or no
     * {@code Content-Type} at all (which Spring reads as that), as a script posting a file sends it.
     */
    @PostMapping(path = "/import/trello", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<TrelloImport.TrelloReport> importTrelloBytes(
            HttpServletRequest request,
            @RequestHeader(name = ImportProgress.HEADER, required = false) String progressId,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "dry_run", required = false) String dryRunFlag)
            throws IOException {
        try {
            return importTrelloStream(request.getInputStream(), progressId, name, dryRunFlag);
        } catch (JacksonIOException e) {
            throw unreadable(request, e);
        }
    }

    private ResponseEntity<TrelloImport.TrelloReport> importTrelloStream(
            InputStream in, String progressId, String name, String dryRunFlag) {
        boolean dryRun = dryRun(dryRunFlag);
        JsonNode export;
        try {
            export = json.readTree(in);
        } catch (StreamReadException e) {
            throw ApiException.badRequest("the file is not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode read = export;
        return created(
                progress.track(progressId, "trello", dryRun, "cards", p -> trello.importBoard(read, name, dryRun, p)));
    }

    /**
     * How far the import started with the {@value ImportProgress#HEADER} header {@code id} is: items
     * done of the total, and its state ({@code running}, {@code finished}, {@code failed} with the
     * refusal's detail). Only its starter and the workspace's admins see it; everyone else gets 404.
     */
    @GetMapping("/import/progress/{id}")
    ImportProgress.View progress(@PathVariable String id) {
        return progress.get(id);
    }

    private static ResponseEntity<TrelloImport.TrelloReport> created(TrelloImport.TrelloReport report) {
        if (report.dryRun()) {
            return ResponseEntity.ok(report);
        }
        return ResponseEntity.created(URI.create("/api/v1/boards/" + report.boardId()))
                .body(report);
    }

    /** A board name as a file name: letters, digits, dashes and underscores. */
    static String filename(String name) {
        // a run is replaced in one pass; the dashes at the ends are cut by index, since "-+$" searched
        // along a long run of dashes backtracks in quadratic time
        String safe = name.replaceAll("[^\\p{L}\\p{N}_-]+", "-");
        int start = 0;
        int end = safe.length();
        while (start < end && safe.charAt(start) == '-') {
            start++;
        }
        while (end > start && safe.charAt(end - 1) == '-') {
            end--;
        }
        return start == end ? "board" : safe.substring(start, end);
    }

    static String attachment(String filename) {
        return ContentDisposition.attachment()
                .filename(filename, StandardCharsets.UTF_8)
                .build()
                .toString();
    }

    /**
     * A file's text: in the charset its type names; without one, UTF-16 when it starts with a UTF-16 byte
     * order mark, else UTF-8. Bytes that are not text in that charset (a Latin-1 file read as UTF-8, say)
     * are a 422 rather than text silently turned into replacement characters. A leading byte-order mark is
     * dropped.
     */
    static String text(byte[] body, MediaType type) {
        Charset charset;
        if (type != null && type.getCharset() != null) {
            charset = type.getCharset();
        } else if (body.length >= 2
                && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
                        || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE))) {
            charset = StandardCharsets.UTF_16;
        } else {
            charset = StandardCharsets.UTF_8;
        }
        String text;
        try {
            text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.invalid(
                    "file",
                    charset.equals(StandardCharsets.UTF_8)
                            ? "is not UTF-8 text; convert it, or name its charset (e.g. Content-Type: text/markdown;"
                                    + " charset=ISO-8859-1)"
                            : "is not " + charset.name() + " text, as its Content-Type says; name the charset it"
                                    + " is written in");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static MediaType contentType(MultipartFile file) {
        try {
            return file.getContentType() == null ? null : MediaType.parseMediaType(file.getContentType());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
