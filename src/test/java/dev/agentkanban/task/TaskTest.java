package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.task.Task.StatusOnMove;
import dev.agentkanban.task.TaskRequests.UpdateTask;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The task's state machine and its typed patch, without a database. */
class TaskTest {

    private static final BoardColumn BACKLOG = column(1, ColumnKind.BACKLOG);
    private static final BoardColumn TODO = column(2, ColumnKind.TODO);
    private static final BoardColumn DOING = column(3, ColumnKind.IN_PROGRESS);
    private static final BoardColumn REVIEW = column(4, ColumnKind.REVIEW);
    private static final BoardColumn DONE = column(5, ColumnKind.DONE);
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @ParameterizedTest(name = "created in {0} is {1}")
    @CsvSource({
        "BACKLOG, PENDING",
        "TODO, PENDING",
        "IN_PROGRESS, IN_PROGRESS",
        "REVIEW, IN_PROGRESS",
        "BLOCKED, IN_PROGRESS",
        "DONE, COMPLETED"
    })
    void statusOnArrivalFollowsTheColumnKind(ColumnKind kind, TaskStatus expected) {
        assertThat(Task.created(7, "ann", column(9, kind), 1000, content()).status())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} from {1} to {2} becomes {3}")
    @CsvSource({
        "PENDING, TODO, IN_PROGRESS, IN_PROGRESS",
        "IN_PROGRESS, IN_PROGRESS, TODO, PENDING",
        "PENDING, TODO, DONE, COMPLETED",
        "COMPLETED, DONE, IN_PROGRESS, IN_PROGRESS",
        "COMPLETED, DONE, BACKLOG, PENDING",
        "CANCELLED, TODO, IN_PROGRESS, CANCELLED",
        "PENDING, BACKLOG, TODO, PENDING",
        "IN_PROGRESS, IN_PROGRESS, REVIEW, IN_PROGRESS"
    })
    void movingFollowsTheColumnKinds(TaskStatus status, ColumnKind from, ColumnKind to, TaskStatus expected) {
        BoardColumn source = column(10, from);
        BoardColumn target = column(11, to);
        Task t = loaded(status, source, null);

        t.moveTo(source, target, 2000, StatusOnMove.FOLLOW_COLUMN);

        assertThat(t.status()).isEqualTo(expected);
        assertThat(t.placement()).isEqualTo(new TaskPlacement(1, 11, 2000));
        assertThat(t.changedColumn()).isTrue();
    }

    @Test
    void anExplicitTransitionKeepsItsStatusWhenTheTaskMovesAfterwards() {
        Task t = loaded(TaskStatus.COMPLETED, DONE, null);

        t.reopen();
        t.moveTo(DONE, DOING, 3000, StatusOnMove.KEEP);

        assertThat(t.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(t.columnId()).isEqualTo(DOING.id());
    }

    @Test
    void aMoveWithinTheColumnOnlyChangesThePosition() {
        Task t = loaded(TaskStatus.PENDING, TODO, null);

        t.moveTo(TODO, TODO, 500, StatusOnMove.FOLLOW_COLUMN);

        assertThat(t.placement()).isEqualTo(new TaskPlacement(1, TODO.id(), 500));
        assertThat(t.changedColumn()).isFalse();
        assertThat(t.beginsOrFinishesWork()).isFalse();
    }

    @Test
    void movingIntoDoneCompletesAndReleasesTheClaim() {
        Task t = loaded(TaskStatus.IN_PROGRESS, DOING, "agent-1");

        t.moveTo(DOING, DONE, 100, StatusOnMove.FOLLOW_COLUMN);

        assertThat(t.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(t.claimedBy()).isNull();
        assertThat(t.completes()).isTrue();
        assertThat(t.closes()).isTrue();
        assertThat(t.beginsOrFinishesWork()).isTrue();
    }

    @Test
    void enteringReviewBeginsOrFinishesWorkEvenWithoutAStatusChange() {
        Task t = loaded(TaskStatus.IN_PROGRESS, DOING, null);

        t.moveTo(DOING, REVIEW, 100, StatusOnMove.FOLLOW_COLUMN);

        assertThat(t.status()).isEqualTo(TaskStatus.IN_PROGRESS);
        assertThat(t.beginsOrFinishesWork()).isTrue();
        assertThat(t.closes()).isFalse();
    }

    @ParameterizedTest(name = "{0} asked to be {1} becomes {1}")
    @CsvSource({
        "PENDING, IN_PROGRESS",
        "COMPLETED, IN_PROGRESS",
        "CANCELLED, IN_PROGRESS",
        "IN_PROGRESS, PENDING",
        "COMPLETED, PENDING",
        "PENDING, COMPLETED",
        "IN_PROGRESS, CANCELLED"
    })
    void theStatusPolicyReachesWhatWasAskedByTheLifecycleSteps(TaskStatus from, TaskStatus wanted) {
        Task t = loaded(from, TODO, null);

        t.changeStatus(wanted, "not needed any more");

        assertThat(t.status()).isEqualTo(wanted);
        assertThat(t.cancelReason()).isEqualTo(wanted == TaskStatus.CANCELLED ? "not needed any more" : null);
    }

    @Test
    void illegalTransitionsAreConflictsNamingTheStatus() {
        Task done = loaded(TaskStatus.COMPLETED, DONE, null);
        assertThatThrownBy(done::complete).isInstanceOf(ApiException.class).hasMessageContaining("it is completed");
        assertThatThrownBy(() -> loaded(TaskStatus.IN_PROGRESS, DOING, null).start())
                .hasMessageContaining("only a pending task can be started");
        assertThatThrownBy(() -> loaded(TaskStatus.PENDING, TODO, null).reopen())
                .hasMessageContaining("only a completed or cancelled task can be reopened");
        assertThatThrownBy(() -> done.changeStatus(TaskStatus.CANCELLED, "late"))
                .hasMessageContaining("only a pending or in-progress task can be cancelled");
    }

    @Test
    void cancellingNeedsAReasonBeforeAnythingElse() {
        Task done = loaded(TaskStatus.COMPLETED, DONE, null);

        assertThatThrownBy(() -> done.cancel(" "))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getMessage()).contains("cancel_reason"));
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aLiveClaimBelongsToItsHolderUntilItRunsOut() {
        Task t = loaded(TaskStatus.PENDING, TODO, null);
        t.claim("agent-1", NOW, NOW.plusSeconds(60));

        assertThat(t.content().assignee()).isEqualTo("agent-1");
        assertThat(t.claimedByAnotherAt("agent-2", NOW.plusSeconds(30))).isTrue();
        assertThat(t.claimedByAnotherAt("agent-1", NOW.plusSeconds(30))).isFalse();
        assertThatThrownBy(() -> t.claim("agent-2", NOW.plusSeconds(30), NOW.plusSeconds(90)))
                .hasMessageContaining("claimed by agent-1");

        assertThat(t.claimExpiredFor("agent-2", NOW.plusSeconds(61))).isTrue();
        t.claim("agent-2", NOW.plusSeconds(61), NOW.plusSeconds(120));
        assertThat(t.claimedBy()).isEqualTo("agent-2");
        assertThatThrownBy(() -> t.renew("agent-1", NOW.plusSeconds(200))).hasMessageContaining("your claim is gone");
    }

    @Test
    void releasingAClaimUnassignsTheHolder() {
        Task t = loaded(TaskStatus.PENDING, TODO, null);
        t.claim("agent-1", NOW, NOW.plusSeconds(60));

        assertThatThrownBy(() -> t.release("agent-2", false, NOW)).hasMessageContaining("claimed by agent-1");
        t.release("agent-1", false, NOW);

        assertThat(t.claimedBy()).isNull();
        assertThat(t.content().assignee()).isNull();
    }

    @Test
    void aRepeatedIssueCountsAndComesBack() {
        Task t = loaded(TaskStatus.CANCELLED, TODO, null);

        t.reportAgain();

        assertThat(t.occurrenceCount()).isEqualTo(2);
        assertThat(t.status()).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void aPatchChangesOnlyWhatWasSentAndClearsWhatWasSentAsNull() {
        Task t = loaded(TaskStatus.PENDING, TODO, null);
        UpdateTask sent = new UpdateTask(
                "  New title ",
                null,
                null,
                null,
                "  ",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);

        t.edit(TaskPatch.of(new Patch<>(sent, Set.of("title", "description", "epic"))));

        assertThat(t.title()).isEqualTo("New title");
        assertThat(t.content().description()).isNull();
        assertThat(t.content().epic()).isNull();
        assertThat(t.content().area()).isEqualTo("api");
        assertThat(t.content().priority()).isEqualTo(Priority.HIGH);
    }

    @Test
    void aReplacementResetsWhatWasLeftOutToTheDefaults() {
        Task t = loaded(TaskStatus.PENDING, TODO, null);
        UpdateTask sent = new UpdateTask(
                "Only a title",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);

        t.edit(TaskPatch.replacing(new Patch<>(sent, Set.of("title"))));

        assertThat(t.content())
                .isEqualTo(new TaskContent(
                        "Only a title",
                        null,
                        null,
                        TaskContent.DEFAULT_PRIORITY,
                        null,
                        null,
                        null,
                        null,
                        null,
                        TaskContent.DEFAULT_OCCURRENCES,
                        Map.of()));
    }

    @Test
    void aPatchRefusesToClearWhatATaskCannotBeWithout() {
        UpdateTask sent = new UpdateTask(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        for (String field : new String[] {"title", "priority", "occurrence_count", "status"}) {
            assertThatThrownBy(() -> TaskPatch.of(new Patch<>(sent, Set.of(field))))
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining(field);
        }
    }

    private static Task loaded(TaskStatus status, BoardColumn column, String claimedBy) {
        return new Task(
                42,
                7,
                TaskPlacement.in(column, 1000),
                content(),
                status,
                status == TaskStatus.CANCELLED ? "dropped" : null,
                "ann",
                claimedBy,
                claimedBy == null ? null : NOW.plusSeconds(600),
                3);
    }

    private static TaskContent content() {
        return new TaskContent(
                "Fix the login", "desc", null, Priority.HIGH, "auth", "api", null, null, null, 1, Map.of());
    }

    private static BoardColumn column(long id, ColumnKind kind) {
        return new BoardColumn(id, 1, kind.toString(), (int) id, kind, null);
    }
}
