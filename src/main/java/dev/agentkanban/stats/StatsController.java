package dev.agentkanban.stats;

import dev.agentkanban.board.Boards;
import dev.agentkanban.platform.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
class StatsController {

    private final BoardStats stats;
    private final Boards boards;

    StatsController(BoardStats stats, Boards boards) {
        this.stats = stats;
        this.boards = boards;
    }

    @GetMapping("/stats")
    BoardStatistics board(@RequestParam(name = "board_id", required = false) Long boardId) {
        return stats.board(boardOrOnly(boardId));
    }

    /** The same figures by the board's path, and by seed 002's path for them. */
    @GetMapping({"/boards/{boardId}/statistics", "/statistics/boards/{boardId}/statistics"})
    BoardStatistics boardByPath(@PathVariable long boardId) {
        return stats.board(boardId);
    }

    @GetMapping("/stats/time-in-column")
    TimeInColumn timeInColumn(@RequestParam(name = "board_id", required = false) Long boardId) {
        return stats.timeInColumn(boardOrOnly(boardId));
    }

    /**
     * The board asked for; without {@code board_id} the workspace's only board in use (seed 003's tenants
     * and seed 000's single board name none), as a task created without one goes there.
     */
    private long boardOrOnly(Long boardId) {
        if (boardId != null) {
            return boardId;
        }
        return boards.onlyBoardId()
                .orElseThrow(() ->
                        ApiException.invalid("board_id", "is required unless the workspace has exactly one board"));
    }
}
