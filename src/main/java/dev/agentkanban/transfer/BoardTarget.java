package dev.agentkanban.transfer;

import dev.agentkanban.platform.Ids;

/**
 * The board an import goes to or an export comes from: by id, or by name (an import creates a board
 * of that name when there is none), or neither (the command's default).
 */
record BoardTarget(Long id, String name) {

    static final BoardTarget DEFAULT = new BoardTarget(null, null);

    static BoardTarget id(long id) {
        return new BoardTarget(id, null);
    }

    static BoardTarget named(String name) {
        return new BoardTarget(null, name);
    }

    /** The CLI's {@code --board NAME|ID}: digits are an id when such a board exists, otherwise a name. */
    static BoardTarget ofArgument(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        return new BoardTarget(Ids.parse(value.strip()), value.strip());
    }

    /** From the HTTP parameters {@code board_id} and {@code board} (a name). */
    static BoardTarget of(Long boardId, String boardName) {
        return boardId != null
                ? id(boardId)
                : boardName == null || boardName.isBlank() ? DEFAULT : named(boardName.strip());
    }
}
