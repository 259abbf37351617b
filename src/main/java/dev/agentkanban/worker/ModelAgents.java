package dev.agentkanban.worker;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The model-backed agents. Each sends only the task fields it needs, with secret-looking strings
 * redacted ({@link Redactor}), under a versioned prompt ({@code worker/prompts/<name>.v<n>.md}), asks
 * for an answer following its JSON schema ({@code worker/schemas/<name>.json}) and checks the answer
 * against that schema: an invalid answer is asked again once, then the job fails
 * ({@link Agent.Unanswerable}). Each stands in for deterministic agents ({@link #REPLACES}) and runs
 * them instead when the day's token budget is spent.
 */
final class ModelAgents {

    private ModelAgents() {}

    /** The deterministic agents each model agent replaces, and falls back to. */
    static final Map<String, List<String>> REPLACES = Map.of(
            "model-text", List.of("title"),
            "model-triage", List.of("priority", "tags"),
            "model-split", List.of("actions"),
            "model-criteria", List.of("description"),
            "model-duplicate", List.of("duplicate"));

    /** What the agents keep and look up besides the task: budget, inputs already sent, context, embeddings. */
    interface Context {
        boolean withinBudget();

        void spend(int tokensIn, int tokensOut);

        boolean alreadyAsked(String agent, long taskId, String inputHash);

        List<String> workspaceTags(int limit);

        List<WorkerTask> recentTasks(long exceptId, int limit);

        Optional<float[]> embedding(long taskId, String model, String contentHash);

        void saveEmbedding(WorkerTask task, String model, String contentHash, float[] vector);

        List<Embedded> olderOpenEmbeddings(WorkerTask task, String model);
    }

    /** An open task with its stored embedding. */
    record Embedded(WorkerTask task, float[] vector) {}

    /** A context held in memory (the evaluation, tests): a token budget, the tasks seen so far and their embeddings. */
    static final class InMemory implements Context {
        private final long budget;
        private final List<WorkerTask> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Map<Long, Embedded> embeddings = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong spent = new java.util.concurrent.atomic.AtomicLong();

        InMemory(long budget) {
            this.budget = budget;
        }

        /** A task the context knows (for recent tasks and workspace tags). */
        void add(WorkerTask task) {
            tasks.add(task);
        }

        long spent() {
            return spent.get();
        }

        @Override
        public boolean withinBudget() {
            return spent.get() < budget;
        }

        @Override
        public void spend(int tokensIn, int tokensOut) {
            spent.addAndGet(tokensIn + tokensOut);
        }

        @Override
        public boolean alreadyAsked(String agent, long taskId, String inputHash) {
            return false;
        }

        @Override
        public List<String> workspaceTags(int limit) {
            return tasks.stream()
                    .flatMap(t -> t.tags().stream())
                    .distinct()
                    .sorted()
                    .limit(limit)
                    .toList();
        }

        @Override
        public List<WorkerTask> recentTasks(long exceptId, int limit) {
            return tasks.reversed().stream()
                    .filter(t -> t.id() != exceptId)
                    .limit(limit)
                    .toList();
        }

        @Override
        public Optional<float[]> embedding(long taskId, String model, String contentHash) {
            return Optional.empty();
        }

        @Override
        public void saveEmbedding(WorkerTask task, String model, String contentHash, float[] vector) {
            embeddings.put(task.id(), new Embedded(task, vector));
        }

        @Override
        public List<Embedded> olderOpenEmbeddings(WorkerTask task, String model) {
            return embeddings.values().stream()
                    .filter(e -> e.task().id() < task.id()
                            && e.task().boardId() == task.boardId()
                            && e.task().open())
                    .sorted(java.util.Comparator.comparingLong(e -> e.task().id()))
                    .toList();
        }
    }

    /** The model agents, each with the deterministic agents it replaces (from {@code builtIn}) as its fallback. */
    static List<Agent> create(
            LanguageModel model, Context context, List<Agent> builtIn, JsonMapper json, double similarity) {
        Map<String, Agent> byName = new LinkedHashMap<>();
        builtIn.forEach(a -> byName.put(a.name(), a));
        List<Agent> agents = new ArrayList<>();
        agents.add(new Text(model, context, json, fallback(byName, "model-text")));
        agents.add(new Triage(model, context, json, fallback(byName, "model-triage")));
        agents.add(new Split(model, context, json, fallback(byName, "model-split")));
        agents.add(new Criteria(model, context, json, fallback(byName, "model-criteria")));
        agents.add(new Duplicate(model, context, fallback(byName, "model-duplicate"), similarity));
        return agents;
    }

    private static List<Agent> fallback(Map<String, Agent> byName, String agent) {
        return REPLACES.get(agent).stream()
                .map(byName::get)
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resource(String path) {
        try (InputStream in = ModelAgents.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** The answer without a Markdown code fence around it (local models often add one). */
    static String unfenced(String text) {
        String t = text.strip();
        if (t.startsWith("```")) {
            int firstLine = t.indexOf('\n');
            int close = t.lastIndexOf("```");
            if (firstLine > 0 && close > firstLine) {
                return t.substring(firstLine + 1, close).strip();
            }
        }
        return t;
    }

    /** Runs the fallback agents: no model, no cost. */
    private static Agent.Analysis fallbackAnalysis(List<Agent> fallback, Agent.Subject s) {
        List<Agent.Finding> findings = new ArrayList<>();
        fallback.forEach(a -> findings.addAll(a.analyse(s)));
        return new Agent.Analysis(findings, null);
    }

    /** An agent that asks the chat model under a prompt and a schema of its own. */
    abstract static class Asking implements Agent {

        private static final SchemaRegistry SCHEMAS =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        private static final Set<String> LENGTH_KEYWORDS =
                Set.of("minLength", "maxLength", "minItems", "maxItems", "$schema", "title");

        private final String name;
        private final String promptVersion;
        private final String system;
        private final Schema schema;
        private final String wireSchema;
        final LanguageModel model;
        final Context context;
        final JsonMapper json;
        private final List<Agent> fallback;

        Asking(
                String name,
                String prompt,
                LanguageModel model,
                Context context,
                JsonMapper json,
                List<Agent> fallback) {
            this.name = name;
            this.promptVersion = prompt;
            this.system = resource("worker/prompts/" + prompt + ".md");
            String schemaText = resource("worker/schemas/" + prompt.substring(0, prompt.indexOf('.')) + ".json");
            this.schema = SCHEMAS.getSchema(schemaText);
            // the model is sent the schema without length limits (OpenAI's strict mode refuses them); the answer is
            // checked with them
            JsonNode wire = json.readTree(schemaText);
            strip(wire);
            this.wireSchema = json.writeValueAsString(wire);
            this.model = model;
            this.context = context;
            this.json = json;
            this.fallback = fallback;
        }

        private static void strip(JsonNode node) {
            if (node instanceof ObjectNode o) {
                LENGTH_KEYWORDS.forEach(o::remove);
                o.forEach(Asking::strip);
            } else if (node.isArray()) {
                node.forEach(Asking::strip);
            }
        }

        @Override
        public final String name() {
            return name;
        }

        String promptVersion() {
            return promptVersion;
        }

        /** The fields sent to the model (redacted), or null when there is nothing to ask. */
        abstract Map<String, Object> input(WorkerTask task);

        /**
         * What identifies the question for "asked already" ({@code agent_results.input_hash}): by default
         * all that is sent; the triage leaves out its context, which changes with every other task.
         */
        Map<String, Object> identity(WorkerTask task, Map<String, Object> input) {
            return input;
        }

        /** The hints the valid answer proposes for the task. */
        abstract List<Finding> findings(WorkerTask task, JsonNode answer);

        @Override
        public final List<Finding> analyse(Subject s) {
            return analyseWithUsage(s).findings();
        }

        @Override
        public final Analysis analyseWithUsage(Subject s) {
            WorkerTask task = s.task();
            if (!task.open()) {
                return new Analysis(List.of(), null);
            }
            if (!context.withinBudget()) {
                return fallbackAnalysis(fallback, s);
            }
            Map<String, Object> input = input(task);
            if (input == null) {
                return new Analysis(List.of(), null);
            }
            String user = json.writeValueAsString(input);
            String hash = sha256(
                    promptVersion + "\n" + model.model() + "\n" + json.writeValueAsString(identity(task, input)));
            if (context.alreadyAsked(name, task.id(), hash)) {
                // the same fields were sent before: the drafts of that answer exist already
                return new Analysis(List.of(), new Usage(model.model(), promptVersion, hash, 0, 0, 0));
            }
            int in = 0;
            int out = 0;
            long latency = 0;
            String problem = null;
            for (int attempt = 1; attempt <= 2; attempt++) {
                String message = problem == null
                        ? user
                        : user + "\n\nYour previous answer was not valid (" + problem
                                + "). Answer again with one JSON object that follows the schema, nothing else.";
                LanguageModel.Reply reply = model.complete(system, message, wireSchema);
                context.spend(reply.tokensIn(), reply.tokensOut());
                in += reply.tokensIn();
                out += reply.tokensOut();
                latency += reply.latencyMs();
                JsonNode answer;
                try {
                    answer = json.readTree(unfenced(reply.text()));
                } catch (RuntimeException e) {
                    problem = "not JSON";
                    continue;
                }
                List<com.networknt.schema.Error> errors = answer == null ? List.of() : schema.validate(answer);
                if (answer != null && answer.isObject() && errors.isEmpty()) {
                    return new Analysis(
                            findings(task, answer), new Usage(model.model(), promptVersion, hash, in, out, latency));
                }
                problem = errors.isEmpty()
                        ? "not a JSON object"
                        : errors.stream()
                                .limit(3)
                                .map(Object::toString)
                                .toList()
                                .toString();
            }
            throw new Unanswerable("the model " + model.model() + " answered twice without following the "
                    + promptVersion + " schema: " + problem);
        }

        Finding finding(String type, String message, Map<String, Object> suggestion) {
            return new Finding(
                    type,
                    message.length() > 1900 ? message.substring(0, 1900) : message,
                    suggestion,
                    model.model(),
                    promptVersion);
        }

        static Map<String, Object> fields(Object... kv) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < kv.length; i += 2) {
                m.put((String) kv[i], kv[i + 1] instanceof String s ? Redactor.redact(s) : kv[i + 1]);
            }
            return m;
        }

        static String normalised(String s) {
            return s == null
                    ? ""
                    : String.join(" ", s.strip().toLowerCase(Locale.ROOT).split("\\s+"));
        }

        static List<String> strings(JsonNode array) {
            List<String> values = new ArrayList<>();
            array.forEach(v -> {
                String s = v.asString().strip();
                if (!s.isEmpty()) {
                    values.add(s);
                }
            });
            return values;
        }
    }

    /** Title and description improvement: sends the title and description. */
    static final class Text extends Asking {
        Text(LanguageModel model, Context context, JsonMapper json, List<Agent> fallback) {
            super("model-text", "text.v1", model, context, json, fallback);
        }

        @Override
        Map<String, Object> input(WorkerTask t) {
            return fields("title", t.title(), "description", t.description());
        }

        @Override
        List<Finding> findings(WorkerTask t, JsonNode a) {
            List<Finding> found = new ArrayList<>();
            String reason = a.get("reason").asString();
            String title = a.get("title").asString().strip();
            if (!normalised(title).equals(normalised(t.title())) && !title.contains(Redactor.MARK)) {
                found.add(finding("title", "A clearer title: " + reason, Map.of("title", title)));
            }
            JsonNode d = a.get("description");
            if (d != null
                    && d.isString()
                    && !d.asString().isBlank()
                    && !normalised(d.asString()).equals(normalised(t.description()))
                    && !d.asString().contains(Redactor.MARK)) {
                found.add(finding(
                        "description",
                        "A clearer description: " + reason,
                        Map.of("description", d.asString().strip())));
            }
            return found;
        }
    }

    /** Priority and tags: sends the task's text, priority and tags, the workspace's tags and recent tasks' triage. */
    static final class Triage extends Asking {
        private static final List<String> ORDER = List.of("low", "medium", "high", "urgent");

        Triage(LanguageModel model, Context context, JsonMapper json, List<Agent> fallback) {
            super("model-triage", "triage.v1", model, context, json, fallback);
        }

        @Override
        Map<String, Object> input(WorkerTask t) {
            List<Map<String, Object>> recent = context.recentTasks(t.id(), 10).stream()
                    .map(r -> fields("title", r.title(), "priority", r.priority(), "tags", r.tags()))
                    .toList();
            return fields(
                    "title",
                    t.title(),
                    "description",
                    t.description(),
                    "priority",
                    t.priority(),
                    "tags",
                    t.tags(),
                    "workspace_tags",
                    context.workspaceTags(30),
                    "recent_tasks",
                    recent);
        }

        @Override
        Map<String, Object> identity(WorkerTask t, Map<String, Object> input) {
            return fields(
                    "title", t.title(), "description", t.description(), "priority", t.priority(), "tags", t.tags());
        }

        @Override
        List<Finding> findings(WorkerTask t, JsonNode a) {
            List<Finding> found = new ArrayList<>();
            String reason = a.get("reason").asString();
            String priority = a.get("priority").asString();
            if (ORDER.contains(priority) && !priority.equals(t.priority())) {
                found.add(finding(
                        "priority",
                        "Triage suggests " + priority + " priority (it has " + t.priority() + "): " + reason,
                        Map.of("priority", priority)));
            }
            Set<String> have = new java.util.HashSet<>(
                    t.tags().stream().map(x -> x.toLowerCase(Locale.ROOT)).toList());
            List<String> missing = strings(a.get("tags")).stream()
                    .filter(x -> !have.contains(x.toLowerCase(Locale.ROOT)))
                    .filter(x -> !x.contains(Redactor.MARK))
                    .distinct()
                    .toList();
            if (!missing.isEmpty()) {
                found.add(finding(
                        "tags",
                        "Triage suggests the tags " + String.join(", ", missing) + ": " + reason,
                        Map.of("tags", missing)));
            }
            return found;
        }
    }

    /** A split into checklist items (an actions hint; applying it adds them to the task): sends title, description, criteria. */
    static final class Split extends Asking {
        Split(LanguageModel model, Context context, JsonMapper json, List<Agent> fallback) {
            super("model-split", "split.v1", model, context, json, fallback);
        }

        @Override
        Map<String, Object> input(WorkerTask t) {
            return fields(
                    "title", t.title(), "description", t.description(), "acceptance_criteria", t.acceptanceCriteria());
        }

        @Override
        List<Finding> findings(WorkerTask t, JsonNode a) {
            List<String> items = strings(a.get("items")).stream()
                    .map(String::strip)
                    .filter(i -> !i.isEmpty())
                    .map(i -> i.length() > 500 ? i.substring(0, 500) : i)
                    .limit(50)
                    .toList();
            if (!a.get("split").asBoolean() || items.size() < 2) {
                return List.of();
            }
            return List.of(finding(
                    "actions",
                    "Split into " + items.size() + " checklist items (applying this hint adds them): "
                            + a.get("reason").asString(),
                    Map.of("action", "split", "checklist", items)));
        }
    }

    /** Acceptance criteria for a task without any: sends title and description; asks nothing when criteria exist. */
    static final class Criteria extends Asking {
        Criteria(LanguageModel model, Context context, JsonMapper json, List<Agent> fallback) {
            super("model-criteria", "criteria.v1", model, context, json, fallback);
        }

        @Override
        Map<String, Object> input(WorkerTask t) {
            if (t.acceptanceCriteria() != null && !t.acceptanceCriteria().isBlank()) {
                return null;
            }
            return fields("title", t.title(), "description", t.description());
        }

        @Override
        List<Finding> findings(WorkerTask t, JsonNode a) {
            StringBuilder criteria = new StringBuilder();
            for (String c : strings(a.get("criteria"))) {
                criteria.append(criteria.isEmpty() ? "" : "\n").append("- [ ] ").append(c);
            }
            return List.of(finding(
                    "description",
                    "Draft acceptance criteria: " + a.get("reason").asString(),
                    Map.of("acceptance_criteria", criteria.toString())));
        }
    }

    /**
     * Semantic duplicates: the exact-title rule first (free); else the task's title and description
     * (redacted) are embedded, stored, and compared by cosine similarity with the stored embeddings of
     * the board's older open tasks. The most similar one at or above the threshold is named.
     */
    static final class Duplicate implements Agent {
        static final String VERSION = "duplicate.v1";

        private final LanguageModel model;
        private final Context context;
        private final List<Agent> fallback;
        private final double threshold;

        Duplicate(LanguageModel model, Context context, List<Agent> fallback, double threshold) {
            this.model = model;
            this.context = context;
            this.fallback = fallback;
            this.threshold = threshold;
        }

        @Override
        public String name() {
            return "model-duplicate";
        }

        @Override
        public List<Finding> analyse(Subject s) {
            return analyseWithUsage(s).findings();
        }

        @Override
        public Analysis analyseWithUsage(Subject s) {
            Analysis exact = fallbackAnalysis(fallback, s);
            WorkerTask task = s.task();
            if (!exact.findings().isEmpty()
                    || !task.open()
                    || model.embeddingModel().isEmpty()
                    || !context.withinBudget()) {
                return exact;
            }
            String emodel = model.embeddingModel();
            String text = Redactor.redact(task.title() + (task.description() == null ? "" : "\n" + task.description()));
            String hash = sha256(emodel + "\n" + text);
            int tokens = 0;
            long latency = 0;
            Optional<float[]> stored = context.embedding(task.id(), emodel, hash);
            float[] vector;
            if (stored.isPresent()) {
                vector = stored.get();
            } else {
                long start = System.nanoTime();
                LanguageModel.Embedding e = model.embed(text);
                latency = (System.nanoTime() - start) / 1_000_000;
                context.spend(e.tokens(), 0);
                tokens = e.tokens();
                vector = e.vector();
                context.saveEmbedding(task, emodel, hash, vector);
            }
            Embedded best = null;
            double bestScore = -1;
            for (Embedded other : context.olderOpenEmbeddings(task, emodel)) {
                double score = cosine(vector, other.vector());
                if (score > bestScore) {
                    bestScore = score;
                    best = other;
                }
            }
            Usage usage = new Usage(emodel, VERSION, hash, tokens, 0, latency);
            if (best == null || bestScore < threshold) {
                return new Analysis(List.of(), usage);
            }
            double rounded = Math.round(bestScore * 1000) / 1000.0;
            return new Analysis(
                    List.of(new Finding(
                            "duplicate",
                            "Task #" + best.task().id() + " \"" + best.task().title()
                                    + "\" on this board says much the same (similarity " + rounded
                                    + "); this one may be its duplicate.",
                            Map.of("duplicate_of", best.task().id(), "similarity", rounded),
                            emodel,
                            VERSION)),
                    usage);
        }

        static double cosine(float[] a, float[] b) {
            if (a.length != b.length || a.length == 0) {
                return 0;
            }
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            return na == 0 || nb == 0 ? 0 : dot / (Math.sqrt(na) * Math.sqrt(nb));
        }
    }
}
