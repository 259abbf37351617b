package dev.agentkanban.stats;

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

    StatsController(BoardStats stats) {
        this.stats = stats;
    }

    @GetMapping("/stats")
    BoardStatistics board(@RequestParam(name = "board_id", required = false) Long boardId) {
        return stats.board(required(boardId));
    }

    /** The same figures by the board's path, and by seed 002's path for them. */
    @GetMapping({"/boards/{boardId}/statistics", "/statistics/boards/{boardId}/statistics"})
    BoardStatistics boardByPath(@PathVariable long boardId) {
        return stats.board(boardId);
    }

    @GetMapping("/stats/time-in-column")
    TimeInColumn timeInColumn(@RequestParam(name = "board_id", required = false) Long boardId) {
        return stats.timeInColumn(required(boardId));
    }

    private static long required(Long boardId) {
        if (boardId == null) {
            throw ApiException.invalid("board_id", "is required");
        }
        return boardId;
    }
}
