package dev.agentkanban.board;

import dev.agentkanban.board.BoardRequests.AddColumn;
import dev.agentkanban.board.BoardRequests.ColumnSpec;
import dev.agentkanban.board.BoardRequests.CreateBoard;
import dev.agentkanban.board.BoardRequests.UpdateBoard;
import dev.agentkanban.board.BoardRequests.UpdateColumn;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Ids;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.Versions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/** The board feature's API: boards and their columns, scoped to the request's workspace. Changing them takes the member role. */
@Service
public class Boards {

    /** Columns of a new board when the client names none (SPEC §2). */
    static final List<ColumnSpec> DEFAULT_COLUMNS = List.of(
            new ColumnSpec(null, "Backlog", ColumnKind.BACKLOG, null),
            new ColumnSpec(null, "To Do", ColumnKind.TODO, null),
            new ColumnSpec(null, "In Progress", ColumnKind.IN_PROGRESS, null),
            new ColumnSpec(null, "Done", ColumnKind.DONE, null));

    private final BoardRepository repo;
    private final Transactions tx;
    private final Outbox outbox;
    private final ApplicationEventPublisher events;

    Boards(BoardRepository repo, Transactions tx, Outbox outbox, ApplicationEventPublisher events) {
        this.repo = repo;
        this.tx = tx;
        this.outbox = outbox;
        this.events = events;
    }

    public Page<Board> list(PageRequest page) {
        return list(page, false);
    }

    /** The boards in use, or with {@code archived} the archived ones (issue 17). */
    public Page<Board> list(PageRequest page, boolean archived) {
        long ws = ws();
        return tx.read(() -> {
            List<Board> boards = repo.list(ws, archived, page.limit(), page.offset()).stream()
                    .map(b -> b.withColumns(repo.columns(ws, b.id())))
                    .toList();
            return new Page<>(boards, repo.count(ws, archived), page.limit(), page.offset());
        });
    }

    /**
     * Archives the board (true) or restores it (false): an archived board leaves the board list but
     * keeps everything and stays readable by id. Announced as {@code board_updated}.
     */
    public Board archive(long id, boolean archived) {
        return archive(id, null, archived);
    }

    /** {@link #archive(long, boolean)}; {@code expectedVersion} (If-Match), when given, must be the board's (412). */
    public Board archive(long id, Precondition expectedVersion, boolean archived) {
        Roles.require(Role.MEMBER);
        long ws = ws();
        return tx.write(() -> {
            checkVersion(load(ws, id, true), expectedVersion);
            repo.setArchived(ws, id, archived);
            Board board = load(ws, id, false);
            outbox.append(EventType.BOARD_UPDATED, id, null, board);
            return board;
        });
    }

    public Board get(long id) {
        return tx.read(() -> load(ws(), id, false));
    }

    /**
     * The workspace's board when it has exactly one in use (archived ones aside): where a task created
     * without {@code board_id} or {@code column_id} goes; empty when it has none or several.
     */
    public Optional<Long> onlyBoardId() {
        List<Long> ids = tx.read(() -> repo.firstIdsInUse(ws(), 2));
        return ids.size() == 1 ? Optional.of(ids.getFirst()) : Optional.empty();
    }

    /**
     * The board with this name, ignoring case (names need not be unique; archived boards too): empty when
     * none has it, a 422 naming {@code parameter} when several share it (the caller must give an id).
     */
    public Optional<Long> idNamed(String parameter, String name) {
        String v = name.strip();
        List<Long> ids = tx.read(() -> repo.idsNamed(ws(), v));
        if (ids.size() > 1) {
            throw ApiException.invalid(
                    parameter, "several boards are named '" + v + "' (ids " + ids + "): give the board's id");
        }
        return ids.stream().findFirst();
    }

    /**
     * The board a request parameter names: by id (digits), else by name ignoring case ({@link #idNamed}); no
     * board of that name is a 422 naming the parameter. An id is taken as it is (a filter by a board that
     * does not exist finds nothing).
     */
    public long idOf(String parameter, String idOrName) {
        Long id = digits(idOrName);
        if (id != null) {
            return id;
        }
        return idNamed(parameter, idOrName)
                .orElseThrow(() -> ApiException.invalid(parameter, "no board named '" + idOrName.strip() + "'"));
    }

    /**
     * The column a request parameter names: by id (digits), else by name ignoring case on {@code boardId},
     * which a name needs (422 without it, or when the board has no such column).
     */
    public long columnIdOf(String parameter, Long boardId, String idOrName) {
        Long id = digits(idOrName);
        if (id != null) {
            return id;
        }
        if (boardId == null) {
            throw ApiException.invalid(parameter, "give board or board_id too, to find a column by name");
        }
        return resolveColumn(get(boardId), null, idOrName.strip()).id();
    }

    /** The id a parameter gives as digits, or null when it is a name. */
    private static Long digits(String idOrName) {
        return Ids.parse(idOrName.strip());
    }

    public Board create(CreateBoard request) {
        Roles.require(Role.MEMBER);
        RequestContext ctx = CurrentRequest.get();
        List<ColumnSpec> columns = request.columns() == null ? DEFAULT_COLUMNS : request.columns();
        requireUniqueNames(columns);
        return tx.write(() -> {
            long id = repo.insert(ctx.workspaceId(), request.name().trim(), request.description(), ctx.actor());
            for (int i = 0; i < columns.size(); i++) {
                ColumnSpec c = columns.get(i);
                repo.insertColumn(ctx.workspaceId(), id, c.name().trim(), i, kindOf(c.kind(), c.name()), c.wipLimit());
            }
            Board board = load(ctx.workspaceId(), id, false);
            outbox.append(EventType.BOARD_CREATED, id, null, board);
            return board;
        });
    }

    public Board update(long id, Precondition expectedVersion, UpdateBoard request) {
        Roles.require(Role.MEMBER);
        long ws = ws();
        if (request.columns() != null) {
            requireUniqueNames(request.columns());
        }
        return tx.write(() -> {
            Board current = load(ws, id, true);
            checkVersion(current, expectedVersion);
            if (request.columns() != null) {
                // the columns sent with the board (seed 002's board carries them): as PUT /columns would
                applyColumns(ws, current, request.columns());
                columnsChanged(ws, id);
            }
            repo.update(ws, id, request.name().trim(), request.description());
            Board board = load(ws, id, false);
            outbox.append(EventType.BOARD_UPDATED, id, null, board);
            return board;
        });
    }

    public void delete(long id, Precondition expectedVersion) {
        Roles.require(Role.MEMBER);
        long ws = ws();
        tx.write(() -> {
            Board current = load(ws, id, true);
            checkVersion(current, expectedVersion);
            events.publishEvent(new BoardDeleting(ws, id, current.name()));
            repo.delete(ws, id);
            outbox.append(EventType.BOARD_DELETED, id, null, Map.of("id", id, "name", current.name()));
        });
    }

    public List<BoardColumn> columns(long boardId) {
        long ws = ws();
        return tx.read(() -> load(ws, boardId, false).columns());
    }

    /** One column of the board as its column list shows it; 404 when the column is not on this board. */
    public BoardColumn column(long boardId, long columnId) {
        return get(boardId).column(columnId);
    }

    /**
     * Makes the board's columns exactly {@code specs}, in that order: listed ids are updated, an entry
     * without id that names a column the list does not name by id (ignoring case, as seed 002's list of
     * plain names does) is that column, keeping its kind and WIP limit unless the entry gives them, other
     * entries without id are added, and columns left out are removed (refused while they hold tasks).
     */
    public Board replaceColumns(long boardId, Precondition expectedVersion, List<ColumnSpec> requested) {
        Roles.require(Role.MEMBER);
        long ws = ws();
        requireUniqueNames(requested);
        return tx.write(() -> {
            Board board = load(ws, boardId, true);
            checkVersion(board, expectedVersion);
            applyColumns(ws, board, requested);
            return columnsChanged(ws, boardId);
        });
    }

    /** Makes the locked board's columns exactly {@code requested} (see {@link #replaceColumns}), inside its write. */
    private void applyColumns(long ws, Board board, List<ColumnSpec> requested) {
        long boardId = board.id();
        List<ColumnSpec> specs = matchedByName(board, requested);
        Map<Long, BoardColumn> existing = new HashMap<>();
        board.columns().forEach(c -> existing.put(c.id(), c));
        Set<Long> kept = new HashSet<>();
        for (ColumnSpec spec : specs) {
            if (spec.id() != null) {
                if (!existing.containsKey(spec.id())) {
                    throw ApiException.invalid(
                            "columns", "column " + spec.id() + " is not a column of board " + boardId);
                }
                if (!kept.add(spec.id())) {
                    throw ApiException.invalid("columns", "column " + spec.id() + " is listed twice");
                }
            }
        }
        for (BoardColumn c : board.columns()) {
            if (!kept.contains(c.id())) {
                requireEmpty(c);
                deleteColumn(ws, boardId, c);
            }
        }
        for (int i = 0; i < specs.size(); i++) {
            ColumnSpec s = specs.get(i);
            if (s.id() == null) {
                repo.insertColumn(ws, boardId, s.name().trim(), i, kindOf(s.kind(), s.name()), s.wipLimit());
            } else {
                BoardColumn old = existing.get(s.id());
                requireKindFits(old, s.kind());
                repo.updateColumn(
                        ws, s.id(), s.name().trim(), i, s.kind() == null ? old.kind() : s.kind(), s.wipLimit());
            }
        }
    }

    /** The entries without id that name a column not listed by id, given that column's id. */
    private static List<ColumnSpec> matchedByName(Board board, List<ColumnSpec> specs) {
        Set<Long> listed = new HashSet<>();
        specs.stream().map(ColumnSpec::id).filter(java.util.Objects::nonNull).forEach(listed::add);
        List<ColumnSpec> out = new ArrayList<>(specs.size());
        for (ColumnSpec s : specs) {
            BoardColumn same = s.id() != null || s.name() == null
                    ? null
                    : board.columns().stream()
                            .filter(c -> !listed.contains(c.id())
                                    && c.name().equalsIgnoreCase(s.name().trim()))
                            .findFirst()
                            .orElse(null);
            if (same == null) {
                out.add(s);
            } else {
                listed.add(same.id());
                out.add(new ColumnSpec(
                        same.id(),
                        s.name(),
                        s.kind() == null ? same.kind() : s.kind(),
                        s.wipLimit() == null ? same.wipLimit() : s.wipLimit()));
            }
        }
        return out;
    }

    /**
     * Adds a column (a new version of the board); {@code expectedVersion} (If-Match), when given, is the
     * board's version the caller saw, checked under the board's lock: 412 when it changed since.
     */
    public ColumnChange addColumn(long boardId, Precondition expectedVersion, AddColumn request) {
        Roles.require(Role.MEMBER);
        long ws = ws();
        return tx.write(() -> {
            Board board = load(ws, boardId, true);
            checkVersion(board, expectedVersion);
            List<BoardColumn> cols = new ArrayList<>(board.columns());
            requireNameFree(cols, request.name().trim(), null);
            int at = request.position() == null ? cols.size() : Math.min(request.position(), cols.size());
            for (int i = at; i < cols.size(); i++) {
                BoardColumn c = cols.get(i);
                repo.updateColumn(ws, c.id(), c.name(), i + 1, c.kind(), c.wipLimit());
            }
            long id = repo.insertColumn(
                    ws, boardId, request.name().trim(), at, kindOf(request.kind(), request.name()), request.wipLimit());
            return ColumnChange.of(columnsChanged(ws, boardId), id);
        });
    }

    /** A column as a write left it, and the board's version after the write (the column routes' ETag). */
    public record ColumnChange(BoardColumn column, long boardVersion) {

        static ColumnChange of(Board board, long columnId) {
            return new ColumnChange(board.column(columnId), board.version());
        }
    }

    /**
     * Updates one column: name, kind and WIP limit as given (a missing limit clears it), and optionally its
     * place; {@code expectedVersion} (If-Match) as for {@link #addColumn}.
     */
    public ColumnChange updateColumn(long boardId, long columnId, Precondition expectedVersion, UpdateColumn request) {
        Roles.require(Role.MEMBER);
        long ws = ws();
        return tx.write(() -> {
            Board board = load(ws, boardId, true);
            checkVersion(board, expectedVersion);
            BoardColumn current = board.columns().stream()
                    .filter(c -> c.id() == columnId)
                    .findFirst()
                    .orElseThrow(() -> ApiException.notFound("column", columnId));
            requireNameFree(board.columns(), request.name().trim(), columnId);
            requireKindFits(current, request.kind());
            List<BoardColumn> order = new ArrayList<>(board.columns());
            order.remove(current);
            int at = request.position() == null ? current.position() : Math.min(request.position(), order.size());
            order.add(Math.min(at, order.size()), current);
            for (int i = 0; i < order.size(); i++) {
                BoardColumn c = order.get(i);
                if (c.id() == columnId) {
                    repo.updateColumn(
                            ws,
                            c.id(),
                            request.name().trim(),
                            i,
                            request.kind() == null ? c.kind() : request.kind(),
                            request.wipLimit());
                } else if (c.position() != i) {
                    repo.updateColumn(ws, c.id(), c.name(), i, c.kind(), c.wipLimit());
                }
            }
            return ColumnChange.of(columnsChanged(ws, boardId), columnId);
        });
    }

    /** Deletes an empty column; {@code expectedVersion} (If-Match) as for {@link #addColumn}. */
    public long deleteColumn(long boardId, long columnId, Precondition expectedVersion) {
        Roles.require(Role.MEMBER);
        long ws = ws();
        return tx.write(() -> {
            Board board = load(ws, boardId, true);
            checkVersion(board, expectedVersion);
            BoardColumn column = board.columns().stream()
                    .filter(c -> c.id() == columnId)
                    .findFirst()
                    .orElseThrow(() -> ApiException.notFound("column", columnId));
            if (board.columns().size() == 1) {
                throw ApiException.conflict("last-column", "a board keeps at least one column");
            }
            requireEmpty(column);
            deleteColumn(ws, boardId, column);
            int i = 0;
            for (BoardColumn c : board.columns()) {
                if (c.id() != columnId) {
                    repo.updateColumn(ws, c.id(), c.name(), i++, c.kind(), c.wipLimit());
                }
            }
            return columnsChanged(ws, boardId).version();
        });
    }

    /** Deletes an emptied column and lets the features that name it settle that, in this transaction. */
    private void deleteColumn(long ws, long boardId, BoardColumn column) {
        repo.deleteColumn(ws, column.id());
        events.publishEvent(new ColumnDeleted(boardId, column.id(), column.name()));
    }

    // ---- for other features, inside their transactions ----

    /** The board, or 404 when it does not exist in the request's workspace. */
    public Board require(long boardId) {
        return load(ws(), boardId, false);
    }

    /**
     * Locks a column for a change of its task order (inserting, moving in, rebalancing), so that
     * concurrent writers into one column take turns. 404 when the column is not in the workspace.
     */
    public BoardColumn lockColumn(long columnId) {
        return repo.column(ws(), columnId, true).orElseThrow(() -> ApiException.notFound("column", columnId));
    }

    /**
     * Locks a column like {@link #lockColumn} and answers, in the same round trip, its board with the
     * columns and, read under the lock, the column's last position (leaving out {@code selfId}, the task
     * being moved, or 0) and its task count: what placing a task at the column's end needs. Empty when
     * the column is not in the workspace.
     */
    public java.util.Optional<ColumnLock> lockColumnForPlacement(long columnId, long selfId) {
        return repo.lockForPlacement(ws(), columnId, selfId);
    }

    /** Finds a column of a board by id or by (case-insensitive) name; a miss names the valid columns. */
    public BoardColumn resolveColumn(Board board, Long columnId, String columnName) {
        if (columnId != null) {
            return board.columns().stream()
                    .filter(c -> c.id() == columnId)
                    .findFirst()
                    .orElseThrow(() -> ApiException.invalid(
                            "column_id",
                            "column " + columnId + " is not on board " + board.id() + "; valid columns: "
                                    + describe(board)));
        }
        if (columnName != null) {
            String wanted = columnName.trim();
            return board.columns().stream()
                    .filter(c -> c.name().equalsIgnoreCase(wanted))
                    .findFirst()
                    .orElseThrow(() -> ApiException.invalid(
                            "column",
                            "no column named '" + wanted + "' on board " + board.id() + "; valid columns: "
                                    + describe(board)));
        }
        return board.columns().getFirst();
    }

    private static String describe(Board board) {
        return String.join(
                ", ",
                board.columns().stream()
                        .map(c -> c.name() + " (" + c.id() + ")")
                        .toList());
    }

    private Board columnsChanged(long ws, long boardId) {
        repo.touch(ws, boardId);
        Board board = load(ws, boardId, false);
        outbox.append(
                EventType.COLUMNS_UPDATED, boardId, null, Map.of("board_id", boardId, "columns", board.columns()));
        return board;
    }

    private Board load(long ws, long id, boolean forUpdate) {
        return repo.findWithColumns(ws, id, forUpdate).orElseThrow(() -> ApiException.notFound("board", id));
    }

    private void requireEmpty(BoardColumn column) {
        requireEmpty(column, "move them first");
    }

    private void requireEmpty(BoardColumn column, String why) {
        long tasks = repo.taskCount(column.id());
        if (tasks > 0) {
            throw ApiException.conflict(
                    "column-not-empty",
                    "column '" + column.name() + "' still holds " + tasks + " task(s); " + why,
                    Map.of("column_id", column.id(), "task_count", tasks));
        }
    }

    /**
     * A column becomes, or stops being, a done column only while it is empty: a task's status follows its
     * column (a done column holds completed tasks, SPEC §2), and changing the kind under the tasks would
     * leave them open in a done column, or completed outside one.
     */
    private void requireKindFits(BoardColumn current, ColumnKind kind) {
        if (kind != null && (kind == ColumnKind.DONE) != current.isDone()) {
            requireEmpty(
                    current,
                    "move them out before " + (current.isDone() ? "it stops being" : "making it") + " a done column");
        }
    }

    private static void requireNameFree(List<BoardColumn> columns, String name, Long except) {
        for (BoardColumn c : columns) {
            if (c.name().equalsIgnoreCase(name) && (except == null || c.id() != except)) {
                throw ApiException.conflict(
                        "duplicate",
                        "this board already has a column named '" + name + "' (names are compared ignoring case)");
            }
        }
    }

    private static void requireUniqueNames(List<ColumnSpec> specs) {
        Set<String> names = new HashSet<>();
        for (ColumnSpec s : specs) {
            if (s != null && s.name() != null && !names.add(s.name().trim().toLowerCase(java.util.Locale.ROOT))) {
                // the same answer as a name that clashes with a column the board has: a duplicate (SPEC §4)
                throw ApiException.conflict(
                        "duplicate",
                        "column names must be unique, ignoring case; '"
                                + s.name().trim() + "' repeats");
            }
        }
    }

    private static void checkVersion(Board board, Precondition expected) {
        Versions.check(expected, board.version());
    }

    private static ColumnKind kindOf(ColumnKind given, String name) {
        return given != null ? given : ColumnKind.inferFrom(name);
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }

    // ---- restoring boards as they were elsewhere (imports); inside the import's write transaction ----

    /** Inserts a board with its version, author and times as they were; null times are now. */
    public long restoreBoard(
            String name, String description, long version, String createdBy, Instant createdAt, Instant updatedAt) {
        requireTransaction();
        return repo.insert(
                CurrentRequest.get().workspaceId(), name, description, version, createdBy, createdAt, updatedAt);
    }

    /** Inserts a column as it was; {@code kind} as on the wire (the table refuses an unknown one). */
    public long restoreColumn(
            long boardId, String name, int position, String kind, Integer wipLimit, Instant createdAt) {
        requireTransaction();
        return repo.insertColumn(
                CurrentRequest.get().workspaceId(), boardId, name, position, kind, wipLimit, createdAt);
    }

    /** A board id no row will take: for the restored trail of a board that no longer exists. */
    public long reserveId() {
        return repo.reserveId();
    }

    private static void requireTransaction() {
        Transactions.requireActive("restoring must happen inside the import's transaction");
    }
}
