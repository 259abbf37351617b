package dev.agentkanban.transfer;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.platform.ApiException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Finds the board an import or export names, inside the caller's transaction. */
@Component
class Targets {

    private final Boards boards;

    Targets(Boards boards) {
        this.boards = boards;
    }

    /**
     * The board named by the target, or empty when it names one by name that does not exist (the
     * import may create it). An id with a name (the CLI's digits) falls back to the name; an id alone
     * that is not a board of the workspace is a 404.
     */
    Optional<Board> find(BoardTarget target, String defaultName) {
        if (target.id() != null) {
            try {
                return Optional.of(boards.require(target.id()));
            } catch (ApiException e) {
                if (target.name() == null) {
                    throw e;
                }
            }
        }
        String name = target.name() != null ? target.name() : defaultName;
        // by name ignoring case, as every other route finds a board; a name several boards share needs the id
        return boards.idNamed("board", name).map(boards::require);
    }

    /** The board an export reads: it must exist. */
    Board require(BoardTarget target, String defaultName) {
        return find(target, defaultName)
                .orElseThrow(() -> ApiException.notFound(
                        "board", "'" + (target.name() != null ? target.name() : defaultName) + "'"));
    }

    /** The status a task takes when it is placed straight into {@code column}: the task feature's rule for a new task. */
    static String statusOnArrival(ColumnKind kind) {
        return switch (kind) {
            case DONE -> "completed";
            case IN_PROGRESS, REVIEW, BLOCKED -> "in_progress";
            case BACKLOG, TODO -> "pending";
        };
    }

    static String statusOnArrival(BoardColumn column) {
        return statusOnArrival(column.kind());
    }
}
