package dev.agentkanban.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in agents: plain rules over the task's text and the projection, no external service.
 * Each looks at open tasks only and proposes at most one hint per run; the same proposal for an
 * unchanged task is the same draft (hint_drafts is unique per task and content), so re-running an
 * agent never duplicates a hint.
 */
final class Agents {

    private Agents() {}

    static List<Agent> builtIn(Duration staleAfter) {
        return List.of(
                new Title(),
                new Description(),
                new PriorityRule(),
                new Tags(),
                new Epic(),
                new Duplicate(),
                new Stale(staleAfter),
                new Wip(),
                new Actions());
    }

    /** An agent named once, that looks at open tasks only (a closed task needs no advice). */
    abstract static class OpenTaskRule implements Agent {

        private final String name;

        OpenTaskRule(String name) {
            this.name = name;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final List<Finding> analyse(Subject s) {
            return s.task().open() ? check(s.task(), s) : List.of();
        }

        abstract List<Finding> check(WorkerTask t, Subject s);
    }

    private static List<Agent.Finding> one(String type, String message, Map<String, Object> suggestion) {
        return List.of(new Agent.Finding(type, message, suggestion));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The first keyword of {@code words} that occurs in {@code text} as a whole word, or null. */
    static String firstWord(String text, List<String> words) {
        for (String w : words) {
            if (Pattern.compile("\\b" + Pattern.quote(w) + "\\b").matcher(text).find()) {
                return w;
            }
        }
        return null;
    }

    /** Titles in capitals or with trailing punctuation get a cleaned-up title; vague ones a better one or advice. */
    static final class Title extends OpenTaskRule {

        private static final Set<String> VAGUE = Set.of(
                "fix", "bug", "todo", "update", "stuff", "misc", "issue", "problem", "task", "test", "tests", "wip",
                "tbd", "change", "changes", "things", "it", "this", "that", "work", "improve");
        private static final Pattern SENTENCE = Pattern.compile("^\\s*(.+?)(?:[.!?](?:\\s|$)|\\n|$)");

        Title() {
            super("title");
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            String fixed = t.title().strip().replaceAll("\\s+", " ");
            List<String> why = new ArrayList<>();
            long letters = fixed.chars().filter(Character::isLetter).count();
            if (letters >= 4
                    && fixed.equals(fixed.toUpperCase(Locale.ROOT))
                    && !fixed.equals(fixed.toLowerCase(Locale.ROOT))) {
                fixed = sentenceCase(fixed);
                why.add("is written in capitals");
            }
            String trimmed = withoutTrailingPunctuation(fixed);
            if (!trimmed.isEmpty() && !trimmed.equals(fixed)) {
                fixed = trimmed;
                why.add("ends with punctuation");
            }
            if (!why.isEmpty()) {
                return one("title", "The title " + String.join(" and ", why) + ".", map("title", fixed));
            }
            if (!vague(fixed)) {
                return List.of();
            }
            String better = firstSentence(t.description());
            if (better != null && !vague(better)) {
                return one(
                        "title",
                        "The title \"" + fixed + "\" says little; the description's first sentence says more.",
                        map("title", better));
            }
            return one(
                    "actions",
                    "The title \"" + fixed + "\" says little about the work: name what should change, and where.",
                    map("action", "rename"));
        }

        /** The title without trailing spaces and . ! , ; : (by index: "[...]+$" searched along a long run is quadratic). */
        static String withoutTrailingPunctuation(String title) {
            int end = title.length();
            while (end > 0
                    && (Character.isWhitespace(title.charAt(end - 1)) || ".!,;:".indexOf(title.charAt(end - 1)) >= 0)) {
                end--;
            }
            return title.substring(0, end);
        }

        static boolean vague(String title) {
            String[] words = title.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
            List<String> real =
                    java.util.Arrays.stream(words).filter(w -> !w.isEmpty()).toList();
            return title.length() < 8 || real.size() < 2 || VAGUE.containsAll(real);
        }

        private static String sentenceCase(String s) {
            String lower = s.toLowerCase(Locale.ROOT);
            return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
        }

        static String firstSentence(String description) {
            if (blank(description)) {
                return null;
            }
            String text = description.strip().replaceFirst("^#+\\s*", "");
            Matcher m = SENTENCE.matcher(text);
            if (!m.find()) {
                return null;
            }
            String sentence = m.group(1).strip().replaceAll("\\s+", " ");
            if (sentence.length() > 120) {
                int cut = sentence.lastIndexOf(' ', 120);
                sentence = sentence.substring(0, cut > 40 ? cut : 120);
            }
            return sentence.isEmpty() ? null : Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
        }
    }

    /** A task without a description, or without acceptance criteria, gets a template to fill in. */
    static final class Description extends OpenTaskRule {

        Description() {
            super("description");
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            String criteria = "- [ ] " + t.title().strip() + "\n- [ ] Tests cover the change";
            if (blank(t.description())) {
                return one(
                        "description",
                        "The task has no description: say what the situation is, why it matters and"
                                + " how to tell it is done.",
                        map(
                                "description",
                                "## Context\n\nWhat is the situation, and why does" + " it matter?\n\n## Goal\n\n"
                                        + t.title().strip(),
                                "acceptance_criteria",
                                criteria));
            }
            if (blank(t.acceptanceCriteria())) {
                return one(
                        "description",
                        "The task has no acceptance criteria: how will anyone know it is done?",
                        map("acceptance_criteria", criteria));
            }
            return List.of();
        }
    }

    /** Words of trouble raise the priority: outages and security to urgent, crashes and failures to high. */
    static final class PriorityRule extends OpenTaskRule {

        static final List<String> URGENT = List.of(
                "outage",
                "data loss",
                "security",
                "vulnerability",
                "breach",
                "production down",
                "urgent",
                "asap",
                "critical",
                "emergency");
        static final List<String> HIGH = List.of(
                "crash",
                "crashes",
                "crashed",
                "crashing",
                "broken",
                "regression",
                "blocker",
                "blocking",
                "fails",
                "failing",
                "failure",
                "error",
                "exception",
                "does not work",
                "doesn't work");
        private static final List<String> ORDER = List.of("low", "medium", "high", "urgent");

        PriorityRule() {
            super("priority");
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            String text = t.text();
            String word = firstWord(text, URGENT);
            String wanted = "urgent";
            if (word == null) {
                word = firstWord(text, HIGH);
                wanted = "high";
            }
            if (word == null || ORDER.indexOf(wanted) <= ORDER.indexOf(t.priority())) {
                return List.of();
            }
            return one(
                    "priority",
                    "The task mentions \"" + word + "\" but has " + t.priority() + " priority.",
                    map("priority", wanted));
        }
    }

    /** Keywords suggest tags the task does not carry yet (names of the default tags where one fits). */
    static final class Tags extends OpenTaskRule {

        static final Map<String, List<String>> RULES = new LinkedHashMap<>();

        static {
            RULES.put(
                    "bug",
                    List.of(
                            "bug",
                            "crash",
                            "crashes",
                            "error",
                            "exception",
                            "broken",
                            "regression",
                            "fails",
                            "failing",
                            "defect"));
            RULES.put("security", List.of("security", "vulnerability", "xss", "csrf", "injection", "cve", "leak"));
            RULES.put("documentation", List.of("docs", "documentation", "readme", "typo", "guide", "tutorial"));
            RULES.put(
                    "infrastructure",
                    List.of(
                            "deploy",
                            "deployment",
                            "ci",
                            "pipeline",
                            "docker",
                            "kubernetes",
                            "k8s",
                            "terraform",
                            "server",
                            "database"));
        }

        Tags() {
            super("tags");
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            String text = t.text();
            Set<String> have = new java.util.HashSet<>(
                    t.tags().stream().map(x -> x.toLowerCase(Locale.ROOT)).toList());
            List<String> tags = new ArrayList<>();
            List<String> because = new ArrayList<>();
            RULES.forEach((tag, words) -> {
                String word = firstWord(text, words);
                if (word != null && !have.contains(tag)) {
                    tags.add(tag);
                    because.add("\"" + word + "\" (" + tag + ")");
                }
            });
            if (tags.isEmpty()) {
                return List.of();
            }
            return one("tags", "The task mentions " + String.join(", ", because) + ".", map("tags", tags));
        }
    }

    /** A title like "Billing: refunds fail" without an epic files the task under the prefix (seed 000's rule). */
    static final class Epic extends OpenTaskRule {

        private static final Pattern PREFIX = Pattern.compile("^\\s*([^:]{1,49}?)\\s*:(?!//)\\s*\\S");

        Epic() {
            super("epic");
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            if (!blank(t.epic())) {
                return List.of();
            }
            Matcher m = PREFIX.matcher(t.title());
            if (!m.find()) {
                return List.of();
            }
            String epic = m.group(1).strip();
            if (epic.isEmpty() || epic.split("\\s+").length > 4) {
                return List.of();
            }
            return one("epic", "The title starts with \"" + epic + ":\" but the task has no epic.", map("epic", epic));
        }
    }

    /** An open task with the same normalised title as an older open task of the board is likely its duplicate. */
    static final class Duplicate extends OpenTaskRule {

        Duplicate() {
            super("duplicate");
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            return s.olderWithSameTitle().stream()
                    .findFirst()
                    .map(other -> one(
                            "duplicate",
                            "Task #" + other.id() + " \"" + other.title()
                                    + "\" on this board has the same title; this one may be its duplicate.",
                            map("duplicate_of", other.id())))
                    .orElse(List.of());
        }
    }

    /** A task in progress that nobody changed for a while is probably stuck. */
    static final class Stale extends OpenTaskRule {

        private final Duration after;

        Stale(Duration after) {
            super("stale");
            this.after = after;
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            Duration idle = Duration.between(t.updatedAt(), s.now());
            if (!t.status().equals("in_progress") || idle.compareTo(after) < 0) {
                return List.of();
            }
            return one(
                    "stale",
                    "In progress without any change for " + idle.toDays() + " days (since " + t.updatedAt()
                            + "): is it stuck, done, or no longer needed?",
                    map("last_change", t.updatedAt().toString()));
        }
    }

    /** A task in a column holding more tasks than its WIP limit (the limit was lowered, or tasks were imported). */
    static final class Wip extends OpenTaskRule {

        Wip() {
            super("wip");
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            return s.column()
                    .filter(c -> c.wipLimit() != null && c.taskCount() > c.wipLimit())
                    .map(c -> one(
                            "wip",
                            "Column \"" + c.name() + "\" holds " + c.taskCount() + " tasks, over its WIP limit of "
                                    + c.wipLimit() + ": finish work before starting more.",
                            map("column_id", c.id(), "wip_limit", c.wipLimit())))
                    .orElse(List.of());
        }
    }

    /** A task with a long checklist or a very long description is probably several tasks. */
    static final class Actions extends OpenTaskRule {

        static final int MAX_ITEMS = 8;
        static final int MAX_DESCRIPTION = 4000;
        /** At most this many subtasks are proposed (the hint API takes 50), each title at most 500 characters. */
        static final int MAX_SUBTASKS = 50;

        static final int MAX_SUBTASK_TITLE = 500;
        private static final Pattern ITEM = Pattern.compile("(?m)^[ \\t]*[-*] \\[[ xX]\\]");

        Actions() {
            super("actions");
        }

        /** Lines that are checklist items ({@code - [ ]}, {@code * [x]}); the indent may not cross lines, which keeps this linear. */
        static long checklistItems(String text) {
            return ITEM.matcher(text).results().count();
        }

        @Override
        List<Finding> check(WorkerTask t, Subject s) {
            String text = (t.description() == null ? "" : t.description()) + "\n"
                    + (t.acceptanceCriteria() == null ? "" : t.acceptanceCriteria());
            long items = checklistItems(text);
            int length = t.description() == null ? 0 : t.description().length();
            if (items <= MAX_ITEMS && length <= MAX_DESCRIPTION) {
                return List.of();
            }
            String why = items > MAX_ITEMS ? items + " checklist items" : "a description of " + length + " characters";
            List<String> open = openItems(text);
            if (items <= MAX_ITEMS || open.isEmpty()) {
                return one(
                        "actions",
                        "The task holds " + why + ": consider splitting it into smaller tasks.",
                        map("action", "split", "checklist_items", items));
            }
            // the open items are the pieces: applying the hint makes each a subtask
            return one(
                    "actions",
                    "The task holds " + why + ": split it into " + open.size()
                            + " subtasks, one per open item (applying this hint creates them).",
                    map("action", "split", "checklist_items", items, "subtasks", open));
        }

        /**
         * The texts of the open ({@code - [ ]}) checklist lines, at most {@link #MAX_SUBTASKS}, each cut to
         * {@link #MAX_SUBTASK_TITLE} characters; read line by line without a pattern.
         */
        static List<String> openItems(String text) {
            List<String> open = new java.util.ArrayList<>();
            for (String line : text.lines().toList()) {
                String s = line.stripLeading();
                if (s.length() > 5
                        && (s.charAt(0) == '-' || s.charAt(0) == '*')
                        && s.startsWith(" [ ]", 1)
                        && s.charAt(5) == ' ') {
                    String item = s.substring(6).strip();
                    if (!item.isEmpty() && open.size() < MAX_SUBTASKS) {
                        open.add(item.length() > MAX_SUBTASK_TITLE ? item.substring(0, MAX_SUBTASK_TITLE) : item);
                    }
                }
            }
            return open;
        }
    }
}
