package dev.agentkanban.template;

import static dev.agentkanban.board.ColumnKind.BACKLOG;
import static dev.agentkanban.board.ColumnKind.BLOCKED;
import static dev.agentkanban.board.ColumnKind.DONE;
import static dev.agentkanban.board.ColumnKind.IN_PROGRESS;
import static dev.agentkanban.board.ColumnKind.REVIEW;
import static dev.agentkanban.board.ColumnKind.TODO;

import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.template.TemplateContent.Card;
import dev.agentkanban.template.TemplateContent.Column;
import dev.agentkanban.template.TemplateContent.TagSpec;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The templates every workspace has: basic kanban, scrum sprint, bug triage and the agent pipeline. */
final class BuiltInTemplates {

    private BuiltInTemplates() {}

    static final List<BoardTemplate> ALL = List.of(
            builtIn(
                    "basic-kanban",
                    "Basic kanban",
                    "Backlog, To Do, In Progress (WIP 5) and Done: the board most teams start with.",
                    new TemplateContent(
                            List.of(
                                    column("Backlog", BACKLOG, null),
                                    column("To Do", TODO, null),
                                    column("In Progress", IN_PROGRESS, 5),
                                    column("Done", DONE, null)),
                            List.of(),
                            List.of(),
                            List.of())),
            builtIn(
                    "scrum-sprint",
                    "Scrum sprint",
                    "A sprint board: product backlog, sprint backlog, in progress, review and done, with story and"
                            + " spike tags and a sprint ritual checklist.",
                    new TemplateContent(
                            List.of(
                                    column("Product Backlog", BACKLOG, null),
                                    column("Sprint Backlog", TODO, null),
                                    column("In Progress", IN_PROGRESS, 4),
                                    column("Review", REVIEW, 3),
                                    column("Done", DONE, null)),
                            List.of(new TagSpec("story", "#2563eb"), new TagSpec("spike", "#7c3aed")),
                            List.of(new Card(
                                    "Sprint ceremonies",
                                    "The rituals of this sprint.",
                                    "medium",
                                    "Sprint Backlog",
                                    List.of(),
                                    List.of("Sprint planning", "Daily stand-ups", "Sprint review", "Retrospective"))),
                            List.of())),
            builtIn(
                    "bug-triage",
                    "Bug triage",
                    "Reported bugs are triaged, reproduced, fixed and verified; blocked ones wait aside.",
                    new TemplateContent(
                            List.of(
                                    column("Reported", BACKLOG, null),
                                    column("Triaged", TODO, null),
                                    column("Fixing", IN_PROGRESS, 3),
                                    column("Blocked", BLOCKED, null),
                                    column("Verifying", REVIEW, null),
                                    column("Closed", DONE, null)),
                            List.of(new TagSpec("bug", "#dc2626"), new TagSpec("regression", "#ea580c")),
                            List.of(new Card(
                                    "Example: app crashes on save",
                                    "Steps to reproduce, expected and actual behaviour.",
                                    "high",
                                    "Reported",
                                    List.of("bug"),
                                    List.of("Reproduce", "Find the cause", "Write a failing test", "Fix"))),
                            List.of())),
            builtIn(
                    "agent-pipeline",
                    "Agent pipeline",
                    "Work for AI agents: Backlog → Ready → Claimed → Review → Done, with WIP limits so agents pull"
                            + " only what people can review; a backlog task whose blockers are all done moves to"
                            + " Ready by itself.",
                    new TemplateContent(
                            List.of(
                                    column("Backlog", BACKLOG, null),
                                    column("Ready", TODO, 10),
                                    column("Claimed", IN_PROGRESS, 3),
                                    column("Review", REVIEW, 5),
                                    column("Done", DONE, null)),
                            List.of(new TagSpec("agent", "#0891b2")),
                            List.of(),
                            List.of(rule("""
                                    {"name": "Unblocked backlog work is ready",
                                     "enabled": true,
                                     "trigger": {"type": "task_unblocked"},
                                     "conditions": {"column": "Backlog"},
                                     "actions": [{"type": "move_to_column", "column": "Ready"}]}
                                    """)))));

    static Optional<BoardTemplate> find(String id) {
        return ALL.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    private static BoardTemplate builtIn(String id, String name, String description, TemplateContent content) {
        return new BoardTemplate(id, name, description, true, content, null, null);
    }

    /** A rule in the rules feature's portable form (columns by name), as the template stores it. */
    private static JsonNode rule(String json) {
        return JsonMapper.shared().readTree(json);
    }

    private static Column column(String name, ColumnKind kind, Integer wip) {
        return new Column(name, kind, wip);
    }
}
