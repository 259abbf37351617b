package dev.agentkanban.completion;

import dev.agentkanban.comment.Comment;
import dev.agentkanban.comment.Comments;
import dev.agentkanban.evidence.Evidence;
import dev.agentkanban.evidence.EvidenceKind;
import dev.agentkanban.evidence.EvidenceRequests.AddEvidence;
import dev.agentkanban.evidence.Evidences;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.Overrides;
import dev.agentkanban.task.TaskQueries;
import dev.agentkanban.task.TaskView;
import dev.agentkanban.task.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;

/**
 * Completes a task and records the notes (as the caller's comment) and each piece of evidence in one
 * transaction, so that "done, and here is why" happens whole or not at all: each part writes its own
 * history row and event as it does alone, and a failing part rolls the completion back.
 */
@Service
public class Completions {

    /** At most this many pieces of evidence with one completion (more are added one by one). */
    public static final int MAX_EVIDENCE = 20;

    private final Tasks tasks;
    private final TaskQueries queries;
    private final Comments comments;
    private final Evidences evidences;
    private final Transactions tx;

    Completions(Tasks tasks, TaskQueries queries, Comments comments, Evidences evidences, Transactions tx) {
        this.tasks = tasks;
        this.queries = queries;
        this.comments = comments;
        this.evidences = evidences;
        this.tx = tx;
    }

    /** The completed task at its version after everything, the notes' comment (or null) and the evidence added. */
    public record Completed(TaskView task, Comment comment, List<Evidence> evidence) {}

    /**
     * What a completion records besides the new status, each part optional: {@code notes} (the caller's
     * comment), {@code evidence_text} (a note) and {@code evidence_link} (a link) as MCP's complete_task
     * takes them, and {@code evidence}, pieces of evidence as {@code POST /tasks/{id}/evidence} takes them
     * as JSON (no files: upload those there).
     */
    public record CompleteTask(String notes, String evidenceText, String evidenceLink, List<AddEvidence> evidence) {

        public static final CompleteTask NOTHING = new CompleteTask(null, null, null, null);
    }

    /**
     * Completes the task as {@link Tasks#complete(long, Precondition, Overrides)} does, with what {@code
     * request} records. Every piece of evidence is checked before anything is written; a bad one is a 422
     * naming the request's field ({@code evidence_text}, {@code evidence_link}, {@code evidence[i].url}...),
     * bad notes one naming {@code notes}.
     */
    public Completed complete(long taskId, Precondition expected, Overrides overrides, CompleteTask request) {
        CompleteTask r = request == null ? CompleteTask.NOTHING : request;
        List<AddEvidence> listed = r.evidence() == null ? List.of() : r.evidence();
        if (listed.size() > MAX_EVIDENCE) {
            throw ApiException.invalid("evidence", "at most " + MAX_EVIDENCE + " items");
        }
        List<AddEvidence> proofs = new ArrayList<>();
        if (r.evidenceText() != null) {
            proofs.add(check(
                    new AddEvidence(EvidenceKind.NOTE, r.evidenceText(), null, null, null, null, null, null),
                    field -> field.equals("note") ? "evidence_text" : "evidence_text." + field));
        }
        if (r.evidenceLink() != null) {
            proofs.add(check(
                    new AddEvidence(EvidenceKind.LINK, null, r.evidenceLink(), null, null, null, null, null),
                    field -> field.equals("url") ? "evidence_link" : "evidence_link." + field));
        }
        for (int i = 0; i < listed.size(); i++) {
            String prefix = "evidence[" + i + "]";
            if (listed.get(i) == null) {
                throw ApiException.invalid(prefix, "must be an evidence object");
            }
            proofs.add(check(listed.get(i), field -> prefix + "." + field));
        }
        return tx.write(() -> {
            TaskView done = tasks.complete(taskId, expected, overrides);
            Comment comment = null;
            if (r.notes() != null) {
                try {
                    comment = comments.add(taskId, r.notes());
                } catch (ApiException e) {
                    throw e.withFieldsRenamed(field -> field.equals("body") ? "notes" : field);
                }
            }
            List<Evidence> added = new ArrayList<>();
            for (AddEvidence proof : proofs) {
                added.add(evidences.add(taskId, proof, null));
            }
            TaskView task = comment == null && added.isEmpty() ? done : queries.get(taskId);
            return new Completed(task, comment, List.copyOf(added));
        });
    }

    private AddEvidence check(AddEvidence proof, UnaryOperator<String> fieldName) {
        try {
            evidences.check(proof);
            return proof;
        } catch (ApiException e) {
            throw e.withFieldsRenamed(fieldName);
        }
    }
}
