package dev.agentkanban.evidence;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.SqlTasks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataIntegrityViolationException;
import tools.jackson.databind.JsonNode;

class EvidenceApiTest extends ApiTest {

    @Value("${kanban.evidence-max-bytes}")
    long maxBytes;

    SqlTasks tasks;

    @BeforeAll
    void fixtures() {
        tasks = new SqlTasks(jdbc);
    }

    @Test
    void anUploadedPhotoIsStoredWithServerComputedSizeAndSha256() {
        long task = tasks.task("Inspect field 7");
        byte[] photo = bytes(100_000, 1);
        long events = count("outbox_events");
        long history = count("task_history");

        Response r = upload(
                task,
                new Multipart()
                        .file("file", "C:\\phone\\DCIM\\leaf.png", "image/png", photo)
                        .field("kind", "photo")
                        .field("note", "yellow spots")
                        .field("latitude", "24.7136")
                        .field("longitude", "46.6753")
                        .field("captured_at", "2024-05-01T10:15:00+03:00"));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        long id = r.id();
        assertThat(r.header("Location")).hasValue("/api/v1/evidence/" + id);
        JsonNode e = r.json();
        assertThat(e.get("kind").asString()).isEqualTo("photo");
        assertThat(e.get("task_id").asLong()).isEqualTo(task);
        assertThat(e.get("filename").asString()).isEqualTo("leaf.png");
        assertThat(e.get("content_type").asString()).isEqualTo("image/png");
        assertThat(e.get("size_bytes").asLong()).isEqualTo(photo.length);
        assertThat(e.get("sha256").asString()).isEqualTo(sha256(photo));
        assertThat(e.get("latitude").asDouble()).isEqualTo(24.7136);
        assertThat(e.get("longitude").asDouble()).isEqualTo(46.6753);
        assertThat(e.get("captured_at").asString()).isEqualTo("2024-05-01T07:15:00Z");
        assertThat(e.get("created_by").asString()).isEqualTo("tester");
        assertThat(e.get("content_url").asString()).isEqualTo("/api/v1/evidence/" + id + "/content");
        assertThat(e.has("content")).isFalse();

        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(count("task_history")).isEqualTo(history + 1);
        JsonNode event = lastEvent("evidence_added");
        assertThat(event.get("board_id").asLong()).isEqualTo(tasks.boardOf(task));
        assertThat(event.get("payload").get("sha256").asString()).isEqualTo(sha256(photo));
        assertThat(event.get("payload").has("content")).isFalse();
        assertThat(lastHistory(task)).isEqualTo("evidence_added|" + id);
    }

    @Test
    void aDownloadReturnsTheIdenticalBytesWithTheSha256AsETag() {
        long task = tasks.task("Download");
        byte[] audio = bytes(300_000, 2);
        long id = upload(
                        task,
                        new Multipart()
                                .file("file", "memo.ogg", "audio/ogg", audio)
                                .field("kind", "voice"))
                .id();

        Response r = http.get("/api/v1/evidence/" + id + "/content");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bytes()).isEqualTo(audio);
        assertThat(sha256(r.bytes())).isEqualTo(sha256(audio));
        assertThat(r.header("Content-Type")).hasValue("audio/ogg");
        assertThat(r.header("ETag")).hasValue("\"" + sha256(audio) + "\"");
        assertThat(r.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.header("Content-Disposition"))
                .hasValueSatisfying(d -> assertThat(d).startsWith("inline").contains("memo.ogg"));
        Response cached = http.get("/api/v1/evidence/" + id + "/content", "If-None-Match", "\"" + sha256(audio) + "\"");
        assertThat(cached.status()).isEqualTo(304);
        assertThat(cached.bytes()).isEmpty();
    }

    /**
     * A player seeking in a voice recording, or a resumed download, asks for a byte range: it gets a
     * 206 with exactly those bytes, and a range beyond the file a 416 problem (not the file under a 416,
     * as Spring's own handling sent); the whole file says it takes ranges.
     */
    @Test
    void aRangeOfTheFileIsServedAsPartialContent() {
        long task = tasks.task("Seek");
        byte[] audio = bytes(10_000, 9);
        long id = upload(
                        task,
                        new Multipart()
                                .file("file", "memo.ogg", "audio/ogg", audio)
                                .field("kind", "voice"))
                .id();
        String content = "/api/v1/evidence/" + id + "/content";

        Response whole = http.get(content);
        assertThat(whole.header("Accept-Ranges")).hasValue("bytes");
        assertThat(whole.header("Content-Length")).hasValue("10000");

        Response part = http.get(content, "Range", "bytes=100-199");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).hasValue("bytes 100-199/10000");
        assertThat(part.bytes()).isEqualTo(java.util.Arrays.copyOfRange(audio, 100, 200));
        assertThat(part.header("Content-Type")).hasValue("audio/ogg");
        assertThat(part.header("X-Content-Type-Options")).hasValue("nosniff");

        Response tail = http.get(content, "Range", "bytes=-10");
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.bytes()).isEqualTo(java.util.Arrays.copyOfRange(audio, 9_990, 10_000));

        Response beyond = http.get(content, "Range", "bytes=20000-");
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.header("Content-Range")).hasValue("bytes */10000");
        assertThat(beyond.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(beyond.json().get("type").asString()).endsWith("/range-not-satisfiable");

        // a Range that does not parse is ignored (RFC 9110): the whole file, not a 416
        Response garbled = http.get(content, "Range", "pages=1-2");
        assertThat(garbled.status()).isEqualTo(200);
        assertThat(garbled.bytes()).isEqualTo(audio);
        assertThat(garbled.header("X-Content-Type-Options")).hasValue("nosniff");
    }

    /**
     * A file name keeps its last path segment only, and loses control characters and the bidirectional
     * overrides that would show {@code invoice<RLO>fdp.exe} as "invoiceexe.pdf" in the list and the
     * download; other Unicode stays.
     */
    @Test
    void aFileNameLosesItsPathAndTheCharactersThatDisguiseIt() {
        long task = tasks.task("Names");
        String[][] cases = {
            {"../../etc/passwd", "passwd"},
            {"invoice\u202Efdp.exe", "invoicefdp.exe"},
            {"\u2066report\u2069.pdf", "report.pdf"},
            {"r\u00e9sum\u00e9 \u65e5\u672c.txt", "r\u00e9sum\u00e9 \u65e5\u672c.txt"},
        };
        for (String[] c : cases) {
            Response r = upload(task, new Multipart().file("file", c[0], "application/pdf", bytes(10, 12)));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.json().get("filename").asString()).isEqualTo(c[1]);
            assertThat(http.get("/api/v1/evidence/" + r.id() + "/content").header("Content-Disposition"))
                    .hasValueSatisfying(
                            d -> assertThat(d).doesNotContain("\u202E").contains("attachment"));
        }
    }

    /** A form with two files would have kept the first and silently lost the second: it is a 422. */
    @Test
    void aFormWithMoreThanOneFileIsRefusedAndNothingIsStored() {
        long task = tasks.task("Two files");
        long rows = count("evidence");
        long events = count("outbox_events");

        Response r = upload(
                task,
                new Multipart()
                        .file("file", "one.png", "image/png", bytes(100, 10))
                        .file("file", "two.png", "image/png", bytes(100, 11)));

        assertInvalid(r, "file");
        assertThat(count("evidence")).isEqualTo(rows);
        assertThat(count("outbox_events")).isEqualTo(events);
    }

    /**
     * {@code captured_at} is read in a form as in JSON (a date, or a timestamp with an offset, in the years
     * 1 to 9999: before, a form stored year -999999 as -infinity), and is never in the future.
     */
    @Test
    void capturedAtIsAPastTimeInTheYearsOneTo9999InAFormAsInJson() {
        long task = tasks.task("Captured");
        long rows = count("evidence");
        String future =
                java.time.Instant.now().plus(java.time.Duration.ofDays(2)).toString();

        for (String bad :
                new String[] {"-999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "2024-05-01T10:00", future}) {
            assertInvalid(upload(task, new Multipart().field("note", "n").field("captured_at", bad)), "captured_at");
            assertInvalid(http.post(path(task), obj("note", "n", "captured_at", bad)), "captured_at");
        }
        assertThat(count("evidence")).isEqualTo(rows);

        Response date = upload(task, new Multipart().field("note", "n").field("captured_at", "2024-05-01"));
        assertThat(date.status()).as(date.body()).isEqualTo(201);
        assertThat(date.json().get("captured_at").asString()).isEqualTo("2024-05-01T00:00:00Z");
        String justNow = java.time.Instant.now().toString();
        Response now = http.post(path(task), obj("note", "n", "captured_at", justNow));
        assertThat(now.status()).as(now.body()).isEqualTo(201);
    }

    /** A note's limit counts characters as the database's check does: 20,000 emoji fit. */
    @Test
    void aNoteOf20000EmojiFits() {
        long task = tasks.task("Emoji note");
        String bug = "\uD83D\uDC1B";
        Response r = http.post(path(task), obj("note", bug.repeat(20000)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertInvalid(http.post(path(task), obj("note", bug.repeat(20001))), "note");
    }

    @Test
    void filesABrowserCouldRunAreOnlyServedAsDownloads() {
        long task = tasks.task("Hostile");
        byte[] html = "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
        long page = upload(task, new Multipart().file("file", "x.html", "text/html", html))
                .id();
        long svg = upload(
                        task,
                        new Multipart()
                                .file("file", "x.svg", "image/svg+xml", html)
                                .field("kind", "photo"))
                .id();
        long text = upload(
                        task,
                        new Multipart()
                                .file("file", "notes.txt", "text/plain", "plain".getBytes(StandardCharsets.UTF_8)))
                .id();
        long unnamed =
                upload(task, new Multipart().file("file", "", null, html)).id();

        for (long id : new long[] {page, svg, unnamed}) {
            Response r = http.get("/api/v1/evidence/" + id + "/content");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).hasValue("application/octet-stream");
            assertThat(r.header("Content-Disposition"))
                    .hasValueSatisfying(d -> assertThat(d).startsWith("attachment"));
            assertThat(r.header("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.bytes()).isEqualTo(html);
        }
        assertThat(http.get("/api/v1/evidence/" + page)
                        .json()
                        .get("content_type")
                        .asString())
                .isEqualTo("text/html");
        assertThat(http.get("/api/v1/evidence/" + page).json().get("kind").asString())
                .isEqualTo("file");
        assertThat(http.get("/api/v1/evidence/" + text + "/content").header("Content-Type"))
                .hasValue("text/plain");
    }

    @Test
    void latAndLonAreTheShortSpellingsOfTheCoordinatesAndAreCheckedTheSame() {
        long task = tasks.task("Short coordinates");
        Response json = http.post(path(task), obj("kind", "note", "note", "here", "lat", 24.5, "lon", 46.25));
        Response lng = http.post(path(task), obj("kind", "note", "note", "there", "lat", -10.0, "lng", 120.0));
        Response form = upload(
                task,
                new Multipart()
                        .file("file", "leaf.png", "image/png", bytes(100, 3))
                        .field("kind", "photo")
                        .field("lat", "1.5")
                        .field("lon", "2.5"));
        assertThat(json.status()).as(json.body()).isEqualTo(201);
        assertThat(json.json().get("latitude").asDouble()).isEqualTo(24.5);
        assertThat(json.json().get("longitude").asDouble()).isEqualTo(46.25);
        assertThat(lng.json().get("longitude").asDouble()).isEqualTo(120.0);
        assertThat(form.status()).as(form.body()).isEqualTo(201);
        assertThat(form.json().get("latitude").asDouble()).isEqualTo(1.5);
        assertThat(form.json().get("longitude").asDouble()).isEqualTo(2.5);

        long rows = count("evidence");
        Response outOfRange = http.post(path(task), obj("kind", "note", "note", "x", "lat", 91, "lon", 0));
        Response alone = upload(task, new Multipart().field("note", "x").field("lat", "10"));
        assertThat(outOfRange.status()).isEqualTo(422);
        assertThat(outOfRange.json().get("errors").get(0).get("field").asString())
                .isEqualTo("latitude");
        assertThat(alone.status()).as(alone.body()).isEqualTo(422);
        assertThat(count("evidence")).isEqualTo(rows);
    }

    @Test
    void notesLinksAndMeasurementsAreAddedAsJson() {
        long task = tasks.task("Field notes");
        long events = count("outbox_events");

        Response note = http.post(path(task), obj("note", "  soil is dry  "));
        // the kind in any case, as the form upload and a task's priority take it
        Response link = http.post(path(task), obj("kind", " LINK", "url", "https://example.org/report"));
        Response measurement = http.post(
                path(task),
                obj(
                        "kind",
                        "measurement",
                        "measurement_value",
                        6.5,
                        "measurement_unit",
                        "pH",
                        "latitude",
                        -33.9,
                        "longitude",
                        151.2,
                        "captured_at",
                        "2024-05-02T08:00:00Z"));

        assertThat(note.status()).as(note.body()).isEqualTo(201);
        assertThat(note.json().get("kind").asString()).isEqualTo("note");
        assertThat(note.json().get("note").asString()).isEqualTo("soil is dry");
        assertThat(note.json().get("sha256").isNull()).isTrue();
        assertThat(note.json().get("content_url").isNull()).isTrue();
        assertThat(link.status()).as(link.body()).isEqualTo(201);
        assertThat(link.json().get("kind").asString()).isEqualTo("link");
        assertThat(link.json().get("url").asString()).isEqualTo("https://example.org/report");
        assertThat(measurement.status()).as(measurement.body()).isEqualTo(201);
        assertThat(measurement.json().get("measurement_value").asDouble()).isEqualTo(6.5);
        assertThat(measurement.json().get("measurement_unit").asString()).isEqualTo("pH");
        assertThat(measurement.json().get("captured_at").asString()).isEqualTo("2024-05-02T08:00:00Z");
        assertThat(count("outbox_events")).isEqualTo(events + 3);
        assertThat(http.get("/api/v1/evidence/" + note.id() + "/content").status())
                .isEqualTo(404);
    }

    @Test
    void invalidEvidenceIsRefusedAndNothingIsWritten() {
        long task = tasks.task("Strict");
        long rows = count("evidence");
        long events = count("outbox_events");
        long history = count("task_history");

        assertInvalid(http.post(path(task), obj("kind", "note")), "note");
        assertInvalid(http.post(path(task), obj("kind", "note", "note", "   ")), "note");
        assertInvalid(http.post(path(task), obj("kind", "link")), "url");
        assertInvalid(http.post(path(task), obj("kind", "link", "url", "ftp://example.org/x")), "url");
        assertInvalid(http.post(path(task), obj("kind", "link", "url", "javascript:alert(1)")), "url");
        assertInvalid(http.post(path(task), obj("kind", "measurement", "measurement_unit", "kg")), "measurement_value");
        assertInvalid(http.post(path(task), obj("kind", "file", "note", "where is it")), "file");
        assertInvalid(http.post(path(task), obj("kind", "photo", "note", "no photo")), "file");
        assertInvalid(http.post(path(task), obj("note", "n", "latitude", 90.5, "longitude", 0)), "latitude");
        assertInvalid(http.post(path(task), obj("note", "n", "latitude", 0, "longitude", -180.5)), "longitude");
        assertInvalid(http.post(path(task), obj("note", "n", "latitude", 10)), "longitude");
        assertInvalid(http.post(path(task), obj("kind", "video", "note", "n")), "kind");
        assertInvalid(http.post(path(task), obj("note", "n", "captured_at", "yesterday")), "captured_at");
        assertInvalid(http.post(path(task), obj("note", "n".repeat(20001))), "note");
        assertThat(http.post(path(task), "{\"note\": ").status()).isEqualTo(400);
        assertThat(http.send("POST", path(task), "note=x", "Content-Type", "text/plain")
                        .status())
                .isEqualTo(415);

        assertInvalid(
                upload(
                        task,
                        new Multipart()
                                .file("file", "a.bin", "application/octet-stream", bytes(10, 3))
                                .field("latitude", "north")
                                .field("longitude", "1")),
                "latitude");
        assertInvalid(
                upload(
                        task,
                        new Multipart()
                                .file("file", "a.bin", null, bytes(10, 3))
                                .field("kind", "hologram")),
                "kind");
        assertInvalid(upload(task, new Multipart().file("file", "empty.txt", "text/plain", new byte[0])), "file");
        assertInvalid(
                upload(
                        task,
                        new Multipart()
                                .file("file", "a.bin", null, bytes(10, 3))
                                .field("captured_at", "2024-13-01")),
                "captured_at");

        assertThat(count("evidence")).isEqualTo(rows);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("task_history")).isEqualTo(history);
    }

    @Test
    void aFileOverTheLimitIs413AndNothingIsStored() {
        long task = tasks.task("Huge");
        long rows = count("evidence");
        long events = count("outbox_events");

        Response justOver = upload(
                task,
                new Multipart().file("file", "big.bin", "application/octet-stream", new byte[(int) maxBytes + 1]));
        Response farOver = upload(
                task, new Multipart().file("file", "bigger.bin", null, new byte[(int) maxBytes + 3 * 1024 * 1024]));

        for (Response r : new Response[] {justOver, farOver}) {
            assertThat(r.status()).as(r.body()).isEqualTo(413);
            assertThat(r.header("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(r.json().get("type").asString()).endsWith("/too-large");
        }
        assertThat(count("evidence")).isEqualTo(rows);
        assertThat(count("outbox_events")).isEqualTo(events);
        Response atLimit = upload(task, new Multipart().file("file", "limit.bin", null, bytes((int) maxBytes, 4)));
        assertThat(atLimit.status()).as(atLimit.body()).isEqualTo(201);
        assertThat(atLimit.json().get("size_bytes").asLong()).isEqualTo(maxBytes);
    }

    /**
     * A viewer may not add evidence at all, so an upload over the file limit is refused for that first
     * (403, as a small one is): the role is checked before the multipart body is parsed, and nothing is
     * stored. (A body whose declared length is beyond what any upload may have stays a 413 before
     * anything else, unread: BodySizeLimitFilter.)
     */
    @Test
    void aViewersUploadOverTheLimitIsForbiddenNotTooLarge() {
        long task = tasks.task("Viewer upload");
        long rows = count("evidence");
        long events = count("outbox_events");
        Http viewer = clientFor("evidence-viewer", defaultWorkspace, Role.VIEWER, "read");

        for (int size : new int[] {(int) maxBytes + 1, 10}) {
            Multipart body = new Multipart().file("file", "big.bin", null, new byte[size]);
            Response r = viewer.execute(HttpRequest.newBuilder(URI.create(http.base() + path(task)))
                    .header("Content-Type", body.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                    .build());
            assertThat(r.status()).as(size + ": " + r.body()).isEqualTo(403);
        }
        assertThat(count("evidence")).isEqualTo(rows);
        assertThat(count("outbox_events")).isEqualTo(events);
        // the same upload by a member is still a 413
        Response member = upload(task, new Multipart().file("file", "big.bin", null, new byte[(int) maxBytes + 1]));
        assertThat(member.status()).as(member.body()).isEqualTo(413);
    }

    @Test
    void aChunkedUploadOverTheLimitIs413Too() {
        long task = tasks.task("Chunked");
        long rows = count("evidence");
        Multipart body = new Multipart().file("file", "stream.bin", null, new byte[(int) maxBytes + 1]);
        HttpRequest request = HttpRequest.newBuilder(URI.create(http.base() + path(task)))
                .header("Content-Type", body.contentType())
                // a body from a stream has no declared length: it is sent chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.bytes())))
                .build();

        Response r = http.execute(request);

        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.json().get("type").asString()).endsWith("/too-large");
        assertThat(count("evidence")).isEqualTo(rows);
    }

    @Test
    void evidenceIsListedOldestFirstInPagesWithoutContent() {
        long task = tasks.task("List");
        upload(task, new Multipart().file("file", "one.png", "image/png", bytes(1000, 5)));
        http.post(path(task), obj("note", "two"));
        http.post(path(task), obj("note", "three"));

        Response first = http.get(path(task) + "?limit=2");
        Response rest = http.get(path(task) + "?limit=2&offset=2");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("total").asLong()).isEqualTo(3);
        assertThat(first.json().get("items").findValuesAsString("kind")).containsExactly("file", "note");
        assertThat(first.json().get("items").get(0).has("content")).isFalse();
        assertThat(first.json().get("items").get(0).get("size_bytes").asLong()).isEqualTo(1000);
        assertThat(rest.json().get("items").findValuesAsString("note")).containsExactly("three");
    }

    @Test
    void evidenceIsReadByIdAndDeletedWithAnEventAndAHistoryRow() {
        long task = tasks.task("Delete");
        long id = upload(task, new Multipart().file("file", "gone.png", "image/png", bytes(500, 6)))
                .id();
        long events = count("outbox_events");
        long history = count("task_history");

        assertThat(http.get("/api/v1/evidence/" + id).json().get("filename").asString())
                .isEqualTo("gone.png");
        assertThat(http.delete("/api/v1/evidence/" + id).status()).isEqualTo(204);

        assertThat(http.get("/api/v1/evidence/" + id).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/evidence/" + id + "/content").status()).isEqualTo(404);
        assertThat(http.delete("/api/v1/evidence/" + id).status()).isEqualTo(404);
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(count("task_history")).isEqualTo(history + 1);
        JsonNode payload = lastEvent("evidence_deleted").get("payload");
        assertThat(payload.get("id").asLong()).isEqualTo(id);
        assertThat(payload.get("task_id").asLong()).isEqualTo(task);
        assertThat(payload.has("content")).isFalse();
        assertThat(lastHistory(task)).isEqualTo("evidence_deleted|" + id);
        assertThat(http.get("/api/v1/evidence/999999").status()).isEqualTo(404);
    }

    /**
     * Evidence is someone's proof of work: as with comments, only who added it or an admin may delete
     * it. Another member (or an agent) gets a 403 and the evidence, its file and the trail stay.
     */
    @Test
    void onlyWhoAddedEvidenceOrAnAdminMayDeleteIt() {
        long task = tasks.task("Proof");
        Http alice = clientFor("ev-alice", defaultWorkspace, dev.agentkanban.identity.Role.MEMBER);
        Http bob = clientFor("ev-bob", defaultWorkspace, dev.agentkanban.identity.Role.MEMBER);
        Http agent = clientFor("ev-agent", defaultWorkspace, dev.agentkanban.identity.Role.AGENT);
        long mine = alice.post(path(task), obj("note", "alice's reading")).id();
        long other = alice.post(path(task), obj("note", "alice's second")).id();
        long events = count("outbox_events");
        long history = count("task_history");

        for (Http stranger : new Http[] {bob, agent}) {
            Response r = stranger.delete("/api/v1/evidence/" + mine);
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().get("type").asString()).endsWith("/forbidden");
        }
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("task_history")).isEqualTo(history);
        assertThat(http.get("/api/v1/evidence/" + mine).status()).isEqualTo(200);

        assertThat(alice.delete("/api/v1/evidence/" + mine).status()).isEqualTo(204);
        assertThat(http.delete("/api/v1/evidence/" + other).status()).isEqualTo(204);
        assertThat(lastHistory(task)).isEqualTo("evidence_deleted|" + other);
    }

    @Test
    void anUnknownTaskHasNoEvidence() {
        long rows = count("evidence");
        assertThat(http.get(path(999999)).status()).isEqualTo(404);
        assertThat(http.post(path(999999), obj("note", "n")).status()).isEqualTo(404);
        assertThat(upload(999999, new Multipart().file("file", "a.png", "image/png", bytes(10, 7)))
                        .status())
                .isEqualTo(404);
        assertThat(count("evidence")).isEqualTo(rows);
    }

    @Test
    void evidenceOfAnotherWorkspaceIsInvisible() {
        long otherWs = tasks.otherWorkspace();
        long foreignTask = tasks.task(otherWs, "Theirs");
        byte[] secret = "secret".getBytes(StandardCharsets.UTF_8);
        long foreign = jdbc.sql("""
                insert into evidence (workspace_id, task_id, kind, filename, content_type, size_bytes, sha256, content)
                values (:ws, :task, 'file', 's.txt', 'text/plain', :size, :sha, :content) returning id
                """)
                .param("ws", otherWs)
                .param("task", foreignTask)
                .param("size", secret.length)
                .param("sha", sha256(secret))
                .param("content", secret)
                .query(Long.class)
                .single();
        long rows = count("evidence");

        assertThat(http.get(path(foreignTask)).status()).isEqualTo(404);
        assertThat(http.post(path(foreignTask), obj("note", "n")).status()).isEqualTo(404);
        assertThat(upload(foreignTask, new Multipart().file("file", "a.png", "image/png", bytes(10, 8)))
                        .status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/evidence/" + foreign).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/evidence/" + foreign + "/content").status())
                .isEqualTo(404);
        assertThat(http.delete("/api/v1/evidence/" + foreign).status()).isEqualTo(404);
        assertThat(count("evidence")).isEqualTo(rows);
    }

    @Test
    void theDatabaseRefusesEvidenceThatBreaksTheKindRules() {
        long task = tasks.task("Constraints");
        assertThatThrownBy(() -> jdbc.sql("""
                insert into evidence (workspace_id, task_id, kind) select workspace_id, id, 'link' from tasks where id = :t
                """).param("t", task).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.sql("""
                insert into evidence (workspace_id, task_id, kind, note, latitude)
                select workspace_id, id, 'note', 'n', 10 from tasks where id = :t
                """).param("t", task).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    // ---- helpers ----

    private static String path(long task) {
        return "/api/v1/tasks/" + task + "/evidence";
    }

    private Response upload(long task, Multipart body) {
        return http.execute(HttpRequest.newBuilder(URI.create(http.base() + path(task)))
                .header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                .build());
    }

    private static void assertInvalid(Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.json().get("errors").findValuesAsString("field"))
                .as(r.body())
                .contains(field);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode lastEvent(String type) {
        String json = jdbc.sql("""
                select json_build_object('board_id', board_id, 'task_id', task_id, 'payload', payload)::text
                from outbox_events where type = :type order by id desc limit 1
                """).param("type", type).query(String.class).single();
        return Http.JSON.readTree(json);
    }

    private String lastHistory(long task) {
        return jdbc.sql(
                        "select action || '|' || new_value from task_history where task_id = :task order by id desc limit 1")
                .param("task", task)
                .query(String.class)
                .single();
    }

    /** A multipart/form-data body. */
    private static final class Multipart {
        private final String boundary = "kanban-" + UUID.randomUUID();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                    + "\r\n");
            return this;
        }

        Multipart file(String name, String filename, String type, byte[] content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\n" + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(out.toByteArray());
            all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return all.toByteArray();
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
