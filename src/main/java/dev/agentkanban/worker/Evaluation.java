package dev.agentkanban.worker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar agent-kanban.jar worker eval <tasks.jsonl>}: runs the agents over an evaluation set
 * (one task a line, with the hints a person expects; the project's is
 * {@code src/test/resources/eval/tasks.jsonl}) and reports precision and recall per hint type, for the
 * deterministic agents and, when {@code WORKER_MODEL} is set, for the model-backed agents too. A hint
 * counts as one unit per value: a priority hint by its level, a tags hint per tag, an epic by name, a
 * duplicate by the task it names; title, description and split advice by their type. The stale and
 * WIP agents need time and columns, which the set does not have: they are not evaluated.
 */
final class Evaluation {

    /** A hint unit: its type and value (empty for title, description, actions). */
    record Unit(String type, String value) {
        @Override
        public String toString() {
            return value.isEmpty() ? type : type + ":" + value;
        }
    }

    /** Counts of one hint type: true positives, predicted units, expected units. */
    record Score(int truePositives, int predicted, int expected) {
        double precision() {
            return predicted == 0 ? 1.0 : (double) truePositives / predicted;
        }

        double recall() {
            return expected == 0 ? 1.0 : (double) truePositives / expected;
        }

        Score plus(Score o) {
            return new Score(truePositives + o.truePositives, predicted + o.predicted, expected + o.expected);
        }
    }

    /** The scores of one run: per type and overall, and the tokens spent. */
    record Report(String name, Map<String, Score> byType, Score overall, long tokens) {
        void print(PrintStream out) {
            out.printf(Locale.ROOT, "%s%n", name);
            out.printf(
                    Locale.ROOT,
                    "  %-12s %9s %9s %6s %6s %6s%n",
                    "hint type",
                    "precision",
                    "recall",
                    "tp",
                    "pred",
                    "exp");
            byType.forEach((type, s) -> out.printf(
                    Locale.ROOT,
                    "  %-12s %9.3f %9.3f %6d %6d %6d%n",
                    type,
                    s.precision(),
                    s.recall(),
                    s.truePositives(),
                    s.predicted(),
                    s.expected()));
            out.printf(
                    Locale.ROOT,
                    "  %-12s %9.3f %9.3f %6d %6d %6d%n",
                    "all",
                    overall.precision(),
                    overall.recall(),
                    overall.truePositives(),
                    overall.predicted(),
                    overall.expected());
            if (tokens > 0) {
                out.printf(Locale.ROOT, "  tokens spent: %d%n", tokens);
            }
        }
    }

    record Case(WorkerTask task, Set<Unit> expected) {}

    static final Instant NOW = Instant.parse("2030-01-31T12:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Evaluation() {}

    public static void main(String... args) throws IOException {
        List<String> files = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("--")) {
                files.add(a);
            }
        }
        if (files.size() != 1) {
            System.err.println(
                    "Usage: java -jar agent-kanban.jar worker eval <tasks.jsonl> (model settings as for the worker)");
            System.exit(2);
        }
        List<Case> cases = load(Path.of(files.getFirst()));
        System.out.println("Evaluation set " + files.getFirst() + ": " + cases.size() + " tasks, "
                + cases.stream().mapToInt(c -> c.expected().size()).sum() + " expected hint units");
        deterministic(cases).print(System.out);
        ModelSettings model = ModelSettings.from(environment(args));
        if (model.enabled()) {
            System.out.println();
            model(cases, SpringAiModel.create(model), model).print(System.out);
        } else {
            System.out.println("\n(no WORKER_MODEL set: the model-backed agents were not evaluated)");
        }
    }

    /** The worker's settings as the worker mode reads them: arguments, then the environment through application.yml. */
    static StandardEnvironment environment(String... args) throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"))
                .forEach(env.getPropertySources()::addLast);
        return env;
    }

    static List<Case> load(Path file) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            List<String> tags = new ArrayList<>();
            n.get("tags").forEach(x -> tags.add(x.asString()));
            WorkerTask task = new WorkerTask(
                    n.get("id").asLong(),
                    1,
                    10,
                    n.get("title").asString(),
                    text(n, "description"),
                    text(n, "acceptance_criteria"),
                    n.get("status").asString(),
                    n.get("priority").asString(),
                    text(n, "epic"),
                    tags,
                    1,
                    NOW);
            Set<Unit> expected = new LinkedHashSet<>();
            n.get("expected")
                    .forEach(e -> expected.add(new Unit(
                            e.get("type").asString(),
                            e.hasNonNull("value") ? e.get("value").asString().toLowerCase(Locale.ROOT) : "")));
            cases.add(new Case(task, expected));
        }
        return cases;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asString() : null;
    }

    static Report deterministic(List<Case> cases) {
        return run("deterministic agents", cases, Agents.builtIn(Duration.ofDays(7)), null);
    }

    /** The model-backed agents, with the deterministic agents they do not replace (epic). */
    static Report model(List<Case> cases, LanguageModel model, ModelSettings settings) {
        // no budget here: a run that fell back to the rules half-way would score neither
        ModelAgents.InMemory context = new ModelAgents.InMemory(Long.MAX_VALUE);
        List<Agent> builtIn = Agents.builtIn(Duration.ofDays(7));
        List<Agent> agents =
                new ArrayList<>(ModelAgents.create(model, context, builtIn, JSON, settings.duplicateSimilarity()));
        Set<String> replaced = new java.util.HashSet<>();
        ModelAgents.REPLACES.values().forEach(replaced::addAll);
        builtIn.stream().filter(a -> !replaced.contains(a.name())).forEach(agents::add);
        return run(
                "model-backed agents (" + settings.provider() + " " + model.model()
                        + (model.embeddingModel().isEmpty() ? "" : ", embeddings " + model.embeddingModel()) + ")",
                cases,
                agents,
                context);
    }

    static Report run(String name, List<Case> cases, List<Agent> agents, ModelAgents.InMemory context) {
        Map<String, Score> byType = new TreeMap<>();
        for (String type : List.of("title", "description", "priority", "tags", "epic", "duplicate", "actions")) {
            byType.put(type, new Score(0, 0, 0));
        }
        List<WorkerTask> seen = new ArrayList<>();
        for (Case c : cases) {
            Set<Unit> predicted = new LinkedHashSet<>();
            Agent.Subject subject = subject(c.task(), seen);
            for (Agent agent : agents) {
                List<Agent.Finding> findings;
                try {
                    findings = agent.analyseWithUsage(subject).findings();
                } catch (RuntimeException e) {
                    System.err.println("task " + c.task().id() + ", agent " + agent.name() + ": " + e.getMessage());
                    continue;
                }
                findings.forEach(f -> predicted.addAll(units(f)));
            }
            if (context != null) {
                context.add(c.task());
            }
            seen.add(c.task());
            Map<String, Score> scores = new LinkedHashMap<>();
            for (Unit u : predicted) {
                scores.merge(u.type(), new Score(c.expected().contains(u) ? 1 : 0, 1, 0), Score::plus);
            }
            for (Unit u : c.expected()) {
                scores.merge(u.type(), new Score(0, 0, 1), Score::plus);
            }
            scores.forEach((type, s) -> byType.merge(type, s, Score::plus));
        }
        Score all = byType.values().stream().reduce(new Score(0, 0, 0), Score::plus);
        return new Report(name, byType, all, context == null ? 0 : context.spent());
    }

    /** A finding as hint units: a title or rename advice is a title; stale and WIP are not evaluated. */
    static List<Unit> units(Agent.Finding f) {
        Map<String, Object> s = f.suggestion();
        return switch (f.type()) {
            case "priority" ->
                List.of(new Unit("priority", String.valueOf(s.get("priority")).toLowerCase(Locale.ROOT)));
            case "tags" ->
                ((List<?>) s.get("tags"))
                        .stream()
                                .map(t -> new Unit("tags", t.toString().toLowerCase(Locale.ROOT)))
                                .toList();
            case "epic" ->
                List.of(new Unit("epic", String.valueOf(s.get("epic")).toLowerCase(Locale.ROOT)));
            case "duplicate" -> List.of(new Unit("duplicate", String.valueOf(s.get("duplicate_of"))));
            case "actions" -> List.of(new Unit("rename".equals(s.get("action")) ? "title" : "actions", ""));
            case "title", "description" -> List.of(new Unit(f.type(), ""));
            default -> List.of();
        };
    }

    /** The task among the ones before it in the set, all on one board and none in a column the set knows. */
    private static Agent.Subject subject(WorkerTask task, List<WorkerTask> older) {
        String title = normalised(task.title());
        List<WorkerTask> same = older.stream()
                .filter(o -> o.open() && normalised(o.title()).equals(title))
                .toList();
        return new Agent.Snapshot(task, NOW, same, Optional.empty());
    }

    /** As the API normalises titles: lower case, whitespace runs collapsed, trimmed. */
    private static String normalised(String s) {
        return String.join(" ", s.strip().toLowerCase(Locale.ROOT).split("\\s+"));
    }
}
