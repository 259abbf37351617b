package dev.agentkanban.transfer;

import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.platform.JsonLimits;
import dev.agentkanban.platform.StoredJson;
import dev.agentkanban.task.Owner;
import dev.agentkanban.task.Priority;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed 000's TODO.md format, read and written without a database.
 *
 * <p>Sections come from {@code ## } headings (Backlog / Not Yet, To Do, In Progress, Completed); a
 * heading that names none of them keeps the current section, and fenced code blocks and other
 * non-task lines are ignored. A task line is {@code - [ ]} or {@code - [x]} followed, in this order and
 * each optional, by a prefix priority {@code (high|medium|low)}, an owner tag {@code [agent|user]}, the
 * text, one JSON object ({@code created_at, completed_at, epic, occurrence_count, priority,
 * assigned_to}), a suffix priority, a repeated checkbox and {@code (id:N)}. Priority: JSON, then
 * prefix, then suffix, then medium. A line that cannot be read completely is still imported, with its
 * raw text as the title, and reported with its line number: nothing is dropped silently.
 */
final class TodoMarkdown {

    /** The four sections of the seed's file and the kind of column each lands in. */
    enum Section {
        BACKLOG("Backlog", ColumnKind.BACKLOG),
        TODO("To Do", ColumnKind.TODO),
        IN_PROGRESS("In Progress", ColumnKind.IN_PROGRESS),
        DONE("Completed", ColumnKind.DONE);

        final String heading;
        final ColumnKind kind;

        Section(String heading, ColumnKind kind) {
            this.heading = heading;
            this.kind = kind;
        }

        /** The section a {@code ## } heading names, or null when it names none. */
        static Section ofHeading(String heading) {
            // whole words, so that "Photo documentation" is not "to do" nor "Auto-documentation" either
            List<String> w = words(heading);
            if (has(w, "backlog") || has(w, "not", "yet")) {
                return BACKLOG;
            }
            if (has(w, "in", "progress") || has(w, "inprogress")) {
                return IN_PROGRESS;
            }
            if (has(w, "to", "do") || has(w, "todo")) {
                return TODO;
            }
            if (has(w, "completed") || (w.size() == 1 && w.getFirst().equals("done"))) {
                return DONE;
            }
            return null;
        }

        /** The heading's runs of letters, lower-cased. */
        private static List<String> words(String heading) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            for (int i = 0; i < heading.length(); i++) {
                char c = Character.toLowerCase(heading.charAt(i));
                if (c >= 'a' && c <= 'z') {
                    word.append(c);
                } else if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            }
            if (!word.isEmpty()) {
                words.add(word.toString());
            }
            return words;
        }

        /** Whether {@code phrase} appears in {@code words} as consecutive words. */
        private static boolean has(List<String> words, String... phrase) {
            for (int i = 0; i + phrase.length <= words.size(); i++) {
                if (words.subList(i, i + phrase.length).equals(List.of(phrase))) {
                    return true;
                }
            }
            return false;
        }

        /** Where a column of this kind is written back: review and blocked work counts as in progress. */
        static Section ofKind(ColumnKind kind) {
            return switch (kind) {
                case BACKLOG -> BACKLOG;
                case TODO -> TODO;
                case IN_PROGRESS, REVIEW, BLOCKED -> IN_PROGRESS;
                case DONE -> DONE;
            };
        }
    }

    /** A timestamp as the file wrote it, and the instant it means (null when unreadable). */
    record Time(String original, Instant instant) {}

    /** One task line, read. {@code title} is never blank; {@code description} holds a title too long to keep whole. */
    record Item(
            int line,
            Section section,
            boolean checked,
            Priority priority,
            Owner owner,
            String title,
            String description,
            String epic,
            Time createdAt,
            Time completedAt,
            int occurrenceCount,
            String assignee,
            Long originalId,
            boolean cancelled,
            String cancelReason,
            Map<String, Object> extra,
            List<Check> checklist) {}

    /** A checklist item of a task: a checkbox line indented under the task's line (its notes). */
    record Check(String text, boolean done) {}

    /** Something the reader could not take as written; {@code line} is 1-based (null when it concerns no single line). */
    record Warning(Integer line, String message, String text) {}

    record Document(List<Item> items, List<Warning> warnings) {}

    static final int MAX_TITLE = 500;
    /** A task's description holds at most this many characters. */
    static final int MAX_DESCRIPTION = 100_000;
    /** The JSON's keys beyond the known ones go into the task's metadata (64 KB in all) up to this size. */
    static final int MAX_EXTRA = 60_000;
    /** A checklist item's text, and how many items a task keeps (as {@code task/Checklists}). */
    static final int MAX_ITEM_TEXT = 500;

    static final int MAX_ITEMS = 200;
    static final int MAX_EPIC = 200;
    static final int MAX_ASSIGNEE = 200;
    /** An epic is read from the text before the first colon only when that prefix is shorter than this. */
    static final int EPIC_PREFIX_LIMIT = 50;

    /** How deep the metadata object of a line may nest: the seed writes a flat object. */
    static final int METADATA_DEPTH = 32;

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(METADATA_DEPTH)
                            .build())
                    .build())
            .build();

    private static final String PRIORITY = "(high|medium|low|urgent|critical)";
    // Only anchored at the start of the text: each is tried once and reads a bounded prefix.
    private static final Pattern PREFIX_PRIORITY =
            Pattern.compile("^\\(" + PRIORITY + "\\)\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern OWNER = Pattern.compile("^\\[(agent|user)\\]\\s*", Pattern.CASE_INSENSITIVE);
    private static final List<String> PRIORITY_WORDS = List.of("high", "medium", "low", "urgent", "critical");

    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .optionalEnd()
            .optionalStart()
            .appendLiteral(' ')
            .optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart()
            .appendOffset("+HH:MM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HHMM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH", "Z")
            .optionalEnd()
            .toFormatter(Locale.ROOT);

    private TodoMarkdown() {}

    // ---- reading ----

    static Document parse(String text) {
        List<Item> items = new ArrayList<>();
        List<Warning> warnings = new ArrayList<>();
        Section section = null;
        boolean fenced = false;
        int fenceOpened = 0;
        int fencedTasks = 0;
        // the indentation of the section's last task line: a checkbox line indented further is its checklist item
        int taskIndent = -1;
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line =
                    i == 0 && lines.get(i).startsWith("\uFEFF") ? lines.get(i).substring(1) : lines.get(i);
            if (line.indexOf('\u0000') >= 0) {
                line = line.replace("\u0000", "");
                warnings.add(
                        new Warning(number, "NUL characters removed (a task's text cannot hold them)", line.strip()));
            }
            if (LineShape.isFence(line)) {
                fenced = !fenced;
                if (fenced) {
                    fenceOpened = number;
                    fencedTasks = 0;
                }
                continue;
            }
            if (fenced) {
                if (LineShape.task(line) != null || LineShape.isTaskLike(line)) {
                    fencedTasks++;
                }
                continue;
            }
            String heading = LineShape.heading(line);
            if (heading != null) {
                taskIndent = -1;
                Section named = Section.ofHeading(heading);
                if (named != null) {
                    section = named;
                }
                continue;
            }
            LineShape.Task task = LineShape.task(line);
            if (task == null && !LineShape.isTaskLike(line)) {
                continue;
            }
            int indent = LineShape.indent(line);
            if (task != null && taskIndent >= 0 && indent >= taskIndent + 2 && !items.isEmpty()) {
                note(items.getLast(), number, task, line, warnings);
                continue;
            }
            taskIndent = indent;
            Section where = section;
            if (where == null) {
                where = Section.TODO;
                warnings.add(new Warning(number, "task before any section heading; imported into To Do", line.strip()));
            }
            if (task == null) {
                warnings.add(new Warning(
                        number,
                        "unreadable task line; imported unchecked (its column sets the status) with the raw text as"
                                + " its title",
                        line.strip()));
                items.add(plain(number, where, false, line.strip(), warnings));
                continue;
            }
            String rest = task.rest().strip();
            if (rest.isEmpty()) {
                warnings.add(new Warning(number, "task line without text; nothing to import", line.strip()));
                continue;
            }
            items.add(task(number, where, task.checked(), rest, warnings));
        }
        if (fenced && fencedTasks > 0) {
            // a closed fence is code on purpose; one that never closes more likely lost its end
            warnings.add(new Warning(
                    fenceOpened,
                    "a code fence opened here never closes: the " + fencedTasks
                            + " task line(s) after it were read as code, not imported",
                    lines.get(fenceOpened - 1).strip()));
        }
        return new Document(List.copyOf(items), List.copyOf(warnings));
    }

    /** A checkbox line under a task: one more checklist item of that task (its text as written). */
    private static void note(Item item, int number, LineShape.Task task, String line, List<Warning> warnings) {
        String text = task.rest().strip();
        if (text.isEmpty()) {
            warnings.add(new Warning(number, "checklist item without text; nothing to import", line.strip()));
            return;
        }
        if (item.checklist().size() >= MAX_ITEMS) {
            warnings.add(new Warning(
                    number, "more than " + MAX_ITEMS + " checklist items under one task; left out", line.strip()));
            return;
        }
        if (text.codePointCount(0, text.length()) > MAX_ITEM_TEXT) {
            text = text.substring(0, text.offsetByCodePoints(0, MAX_ITEM_TEXT - 1)) + "…";
            warnings.add(new Warning(
                    number, "checklist item longer than " + MAX_ITEM_TEXT + " characters; shortened", line.strip()));
        }
        item.checklist().add(new Check(text, task.checked()));
    }

    private static Item task(int number, Section section, boolean checked, String rest, List<Warning> warnings) {
        String s = rest;
        Priority prefix = null;
        Matcher m = PREFIX_PRIORITY.matcher(s);
        if (m.find()) {
            prefix = Priority.fromWire(m.group(1));
            s = s.substring(m.end());
        }
        Owner owner = null;
        m = OWNER.matcher(s);
        if (m.find()) {
            owner = Owner.valueOf(m.group(1).toUpperCase(Locale.ROOT));
            s = s.substring(m.end());
        }
        Long originalId = null;
        LineShape.Suffix id = LineShape.idSuffix(s);
        if (id != null) {
            originalId = Long.parseLong(id.value());
            s = s.substring(0, id.start());
        }
        LineShape.Suffix checkbox = LineShape.checkboxSuffix(s);
        if (checkbox != null && checkbox.start() > 0) {
            checked |= checkbox.value().equalsIgnoreCase("x");
            s = s.substring(0, checkbox.start());
        }
        Priority suffix = null;
        LineShape.Suffix suffixWord = LineShape.prioritySuffix(s, PRIORITY_WORDS);
        if (suffixWord != null && suffixWord.start() > 0) {
            suffix = Priority.fromWire(suffixWord.value());
            s = s.substring(0, suffixWord.start());
        }
        String body = s.strip();
        ObjectNode json = null;
        String text = body;
        // the text an epic is read from: without the JSON, or without what looks like broken JSON
        String epicText = body;
        int jsonAt = findJson(body);
        if (jsonAt >= 0) {
            boolean[] cleaned = {false};
            json = (ObjectNode) storable(JSON.readTree(body.substring(jsonAt)), cleaned);
            if (cleaned[0]) {
                warnings.add(new Warning(
                        number,
                        "NUL characters removed and lone UTF-16 surrogates replaced (U+FFFD) in the JSON"
                                + " metadata (a task's text cannot hold them)",
                        rest));
            }
            text = body.substring(0, jsonAt).strip();
            epicText = text;
        } else if (LineShape.looksLikeJson(body)) {
            warnings.add(new Warning(number, "malformed JSON metadata; the raw text is kept as the title", rest));
            // "Fix login {"created_at": ..." is no epic "Fix login {"created_at"" : the colon is the JSON's
            epicText = body.substring(0, LineShape.jsonStart(body)).strip();
        }
        if (text.isEmpty()) {
            warnings.add(new Warning(number, "task without text; the raw line is kept as the title", rest));
            text = rest;
        }

        Fields f = new Fields(number, warnings);
        Priority fromJson = json == null ? null : f.priority(json.get("priority"));
        Priority priority =
                fromJson != null ? fromJson : prefix != null ? prefix : suffix != null ? suffix : Priority.MEDIUM;
        // an explicit "epic": null says there is none, even when the text has a prefix
        String epic = json != null && json.has("epic") ? f.text(json.get("epic"), "epic", MAX_EPIC) : epicOf(epicText);
        Time created = json == null ? null : f.time(json.get("created_at"), "created_at");
        Time completed = json == null ? null : f.time(json.get("completed_at"), "completed_at");
        int occurrences = json == null ? 1 : f.occurrences(json.get("occurrence_count"));
        String assignee = json == null
                ? null
                : f.text(
                        json.has("assigned_to") ? json.get("assigned_to") : json.get("assignee"),
                        "assigned_to",
                        MAX_ASSIGNEE);
        boolean cancelled = json != null
                && json.hasNonNull("status")
                && json.get("status").asString("").equalsIgnoreCase("cancelled");
        String cancelReason = cancelled ? f.text(json.get("cancel_reason"), "cancel_reason", 2000) : null;
        Map<String, Object> extra = new LinkedHashMap<>();
        if (json != null) {
            for (Map.Entry<String, JsonNode> e : json.properties()) {
                // a status other than "cancelled" (and its reason) is not read: kept, as other keys are
                boolean read = KNOWN_KEYS.contains(e.getKey())
                        && (cancelled
                                || !(e.getKey().equals("status") || e.getKey().equals("cancel_reason")));
                if (!read) {
                    extra.put(e.getKey(), JSON.treeToValue(e.getValue(), Object.class));
                }
            }
            if (!cancelled && json.hasNonNull("status")) {
                warnings.add(new Warning(
                        number,
                        "status " + json.get("status") + " is not read (only \"cancelled\" is: the checkbox and the"
                                + " section decide); kept in metadata.todo_extra",
                        null));
            }
        }
        String[] titled = titled(number, text, rest, warnings);
        String title = titled[0];
        String description = titled[1];
        if (JSON.writeValueAsBytes(extra).length > MAX_EXTRA) {
            warnings.add(new Warning(
                    number,
                    "the JSON's other keys take more than " + MAX_EXTRA + " bytes (task metadata holds 64 KB);"
                            + " left out",
                    rest.length() > 200 ? rest.substring(0, 200) + "…" : rest));
            extra = new LinkedHashMap<>();
        }
        return new Item(
                number,
                section,
                checked,
                priority,
                owner,
                title,
                description,
                epic,
                created,
                completed,
                occurrences,
                assignee,
                originalId,
                cancelled,
                cancelReason,
                extra,
                new ArrayList<>());
    }

    private static final List<String> KNOWN_KEYS = List.of(
            "created_at",
            "completed_at",
            "epic",
            "occurrence_count",
            "priority",
            "assigned_to",
            "assignee",
            "status",
            "cancel_reason");

    /**
     * A task's title and description from its text: the text itself, or when longer than
     * {@link #MAX_TITLE}, shortened, with the whole text (up to {@link #MAX_DESCRIPTION}) as the description.
     */
    private static String[] titled(int number, String text, String line, List<Warning> warnings) {
        if (text.codePointCount(0, text.length()) <= MAX_TITLE) {
            return new String[] {text, null};
        }
        String title = text.substring(0, text.offsetByCodePoints(0, MAX_TITLE - 1)) + "…";
        String description = text;
        String shown = line.length() > 200 ? line.substring(0, 200) + "…" : line;
        if (text.codePointCount(0, text.length()) > MAX_DESCRIPTION) {
            description = text.substring(0, text.offsetByCodePoints(0, MAX_DESCRIPTION - 1)) + "…";
            warnings.add(new Warning(
                    number,
                    "text longer than " + MAX_DESCRIPTION + " characters; the title and the description are shortened",
                    shown));
        } else {
            warnings.add(new Warning(
                    number,
                    "title longer than " + MAX_TITLE + " characters; shortened, the whole text is the description",
                    shown));
        }
        return new String[] {title, description};
    }

    /** An unreadable line: imported open, medium, with the raw text as its title. */
    private static Item plain(int number, Section section, boolean checked, String raw, List<Warning> warnings) {
        String[] titled = titled(number, raw, raw, warnings);
        String title = titled[0];
        String description = titled[1];
        return new Item(
                number,
                section,
                checked,
                Priority.MEDIUM,
                null,
                title,
                description,
                epicOf(title),
                null,
                null,
                1,
                null,
                null,
                false,
                null,
                Map.of(),
                new ArrayList<>());
    }

    /** The text before the first colon, when that is shorter than {@link #EPIC_PREFIX_LIMIT} characters. */
    static String epicOf(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String prefix = text.substring(0, colon).strip();
        return prefix.isEmpty() || prefix.length() >= EPIC_PREFIX_LIMIT ? null : prefix;
    }

    /**
     * Where the JSON object starts in {@code body}: the first {@code {} from which one JSON object
     * reaches exactly to the end. -1 when there is none.
     */
    /**
     * The JSON with what a task's text cannot hold taken out of its keys and strings, as for a NUL in the
     * line itself: NUL characters dropped, lone surrogates (written as JSON escapes) replaced by U+FFFD;
     * {@code changed[0]} says whether anything was.
     */
    private static JsonNode storable(JsonNode node, boolean[] changed) {
        if (node.isString()) {
            String clean = storable(node.asString());
            if (clean.equals(node.asString())) {
                return node;
            }
            changed[0] = true;
            return JSON.getNodeFactory().stringNode(clean);
        }
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String key = storable(e.getKey());
                changed[0] |= !key.equals(e.getKey());
                out.set(key, storable(e.getValue(), changed));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode item : node) {
                out.add(storable(item, changed));
            }
            return out;
        }
        return node;
    }

    private static String storable(String s) {
        if (StoredJson.refusal(s) == null) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static int findJson(String body) {
        if (!body.endsWith("}")) {
            return -1;
        }
        // one copy of the text for every attempt (a copy per brace made this quadratic); each attempt
        // stops at its first error or at METADATA_DEPTH, so a line of braces stays linear in practice
        char[] chars = body.toCharArray();
        for (int i = body.indexOf('{'); i >= 0; i = body.indexOf('{', i + 1)) {
            if (!LineShape.opensObject(body, i)) {
                continue; // an object starts with a key or is empty: no parser for a brace that cannot
            }
            try (JsonParser p = JSON.createParser(chars, i, chars.length - i)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    continue;
                }
                p.skipChildren();
                if (p.nextToken() == null) {
                    return i;
                }
            } catch (JacksonException e) {
                // not a JSON object from here (or nested beyond METADATA_DEPTH); try the next brace
            }
        }
        return -1;
    }

    /** Reads the JSON object's values, reporting the ones it cannot take. */
    private record Fields(int line, List<Warning> warnings) {

        Priority priority(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            try {
                return Priority.fromWire(node.asString(""));
            } catch (IllegalArgumentException e) {
                warn("priority " + node + " is not low, medium, high or urgent; ignored");
                return null;
            }
        }

        String text(JsonNode node, String name, int max) {
            if (node == null || node.isNull()) {
                return null;
            }
            String value = node.isString() ? node.asString().strip() : node.toString();
            if (value.isEmpty()) {
                return null;
            }
            if (value.codePointCount(0, value.length()) > max) {
                warn(name + " longer than " + max + " characters; shortened");
                value = value.substring(0, value.offsetByCodePoints(0, max));
            }
            return value;
        }

        Time time(JsonNode node, String name) {
            if (node == null || node.isNull()) {
                return null;
            }
            String raw = node.isString() ? node.asString() : node.toString();
            Instant instant = parseTime(raw);
            if (instant == null) {
                warn(name + " '" + raw + "' is not a timestamp; kept in metadata only");
            } else if (!JsonLimits.sane(instant)) {
                warn(name + " '" + raw + "' lies outside the years 1 to 9999; kept in metadata only");
                instant = null;
            }
            return new Time(raw, instant);
        }

        int occurrences(JsonNode node) {
            if (node == null || node.isNull()) {
                return 1;
            }
            if (node.canConvertToInt() && node.asInt() >= 1 && (node.isIntegralNumber() || node.isString())) {
                return node.asInt();
            }
            if (node.isString()) {
                try {
                    int n = Integer.parseInt(node.asString().strip());
                    if (n >= 1) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            warn("occurrence_count " + node + " is not a whole number of at least 1; 1 is used");
            return 1;
        }

        private void warn(String message) {
            warnings.add(new Warning(line, message, null));
        }
    }

    /**
     * An ISO-8601 timestamp as the seed's script wrote them: with or without offset, {@code T} or a
     * space between date and time, or a bare date. Without an offset it is read as UTC. Null when unreadable.
     */
    static Instant parseTime(String raw) {
        String s = raw.strip();
        try {
            TemporalAccessor t = TIMESTAMP.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
            return t instanceof OffsetDateTime odt ? odt.toInstant() : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    // ---- writing ----

    /** One task as the writer needs it; JSON values are written only when present. */
    record Line(
            boolean checked,
            Priority priority,
            Owner owner,
            String title,
            String createdAt,
            String completedAt,
            String epic,
            int occurrenceCount,
            String assignee,
            boolean cancelled,
            String cancelReason,
            Map<String, Object> extra,
            Long originalId,
            List<Check> checklist) {}

    /** A whole file: a title line, then the four sections in order (empty ones too, so the file shows the frame). */
    /** The text on one line: every line break (CR, LF, and Unicode's line and paragraph separators) a space. */
    static String oneLine(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029' || c == '\u0085' ? ' ' : c);
        }
        return sb.toString();
    }

    static String write(String title, Map<Section, List<Line>> sections) {
        StringBuilder out = new StringBuilder();
        // one line, whatever the board's name holds: a line break in it would start lines of its own
        out.append("# ").append(oneLine(title)).append("\n");
        for (Section section : Section.values()) {
            out.append("\n## ").append(section.heading).append("\n\n");
            for (Line line : sections.getOrDefault(section, List.of())) {
                out.append(line(line)).append("\n");
                for (Check item : line.checklist()) {
                    out.append("  ")
                            .append(item.done() ? "- [x] " : "- [ ] ")
                            .append(oneLine(item.text()))
                            .append("\n");
                }
            }
        }
        return out.toString();
    }

    /**
     * One task line in the canonical form: prefix priority when not medium (urgent is written as a
     * {@code (high)} prefix plus {@code "priority": "urgent"} in the JSON, which wins when read back,
     * since the prefix grammar cannot say urgent), owner tag, text, the JSON object, {@code (id:N)}. A title
     * that itself starts like a priority or ends in a JSON-like brace gets an explicit prefix so that
     * reading the line back gives the same task.
     */
    static String line(Line t) {
        StringBuilder out = new StringBuilder(t.checked() ? "- [x] " : "- [ ] ");
        boolean ambiguousStart = PREFIX_PRIORITY.matcher(t.title()).find()
                || OWNER.matcher(t.title()).find();
        Priority prefix = t.priority() == Priority.URGENT ? Priority.HIGH : t.priority();
        if (prefix != Priority.MEDIUM || ambiguousStart) {
            out.append('(').append(prefix).append(") ");
        }
        if (t.owner() != null) {
            out.append('[').append(t.owner()).append("] ");
        }
        out.append(oneLine(t.title()));
        Map<String, Object> json = new LinkedHashMap<>();
        if (t.createdAt() != null) {
            json.put("created_at", t.createdAt());
        }
        if (t.completedAt() != null) {
            json.put("completed_at", t.completedAt());
        }
        if (!Objects.equals(t.epic(), epicOf(t.title()))) {
            json.put("epic", t.epic());
        }
        if (t.occurrenceCount() > 1) {
            json.put("occurrence_count", t.occurrenceCount());
        }
        if (t.priority() == Priority.URGENT) {
            json.put("priority", "urgent");
        }
        if (t.assignee() != null) {
            json.put("assigned_to", t.assignee());
        }
        if (t.cancelled()) {
            json.put("status", "cancelled");
            if (t.cancelReason() != null) {
                json.put("cancel_reason", t.cancelReason());
            }
        }
        t.extra().forEach(json::putIfAbsent);
        // a title ending in a brace would be read as JSON: an explicit (even empty) object keeps it text
        if (!json.isEmpty() || t.title().strip().endsWith("}")) {
            out.append(' ').append(pythonStyle(json));
        }
        if (t.originalId() != null) {
            out.append(" (id:").append(t.originalId()).append(')');
        }
        return out.toString();
    }

    /** JSON the way the seed's Python wrote it: {@code {"key": "value", "n": 2}}. */
    private static String pythonStyle(Map<String, Object> values) {
        StringBuilder out = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(JSON.writeValueAsString(k)).append(": ").append(JSON.writeValueAsString(v));
        });
        return out.append('}').toString();
    }
}
