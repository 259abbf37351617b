package dev.agentkanban.savedview;

import dev.agentkanban.board.Boards;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.savedview.SavedViewRequests.ChangeView;
import dev.agentkanban.savedview.SavedViewRequests.SaveView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * The saved view feature's API: everyone who reads a board keeps named filter sets for it; a shared
 * one is listed for everyone on the board. Only its owner changes a view; an admin may delete a shared
 * one. Each change is announced as {@code views_changed} on the board.
 */
@Service
public class SavedViews {

    /** The filters a view may hold: the task list's parameters the board's URL carries, and {@code cf.<field>}. */
    static final Set<String> FILTERS = Set.of(
            "q",
            "priority",
            "status",
            "epic",
            "assignee",
            "tag",
            "owner",
            "overdue",
            "blocked",
            "ready",
            "unassigned",
            "sort");

    private final SavedViewRepository repo;
    private final Boards boards;
    private final Transactions tx;
    private final Outbox outbox;

    SavedViews(SavedViewRepository repo, Boards boards, Transactions tx, Outbox outbox) {
        this.repo = repo;
        this.boards = boards;
        this.tx = tx;
        this.outbox = outbox;
    }

    /** The caller's views of the board and the shared ones; 404 for a board of another workspace. */
    public List<SavedView> list(long boardId) {
        RequestContext ctx = CurrentRequest.get();
        return tx.read(() -> {
            List<SavedView> views = repo.visible(ctx.workspaceId(), boardId, ctx.actor());
            if (views.isEmpty()) {
                boards.require(boardId);
            }
            return views;
        });
    }

    public SavedView save(long boardId, SaveView request) {
        RequestContext ctx = CurrentRequest.get();
        String name = request.name().trim();
        Map<String, String> filters = checked(request.filters());
        return tx.write(() -> {
            boards.require(boardId);
            requireFreeName(boardId, ctx.actor(), name, 0);
            SavedView v = repo.insert(
                    ctx.workspaceId(), boardId, ctx.actor(), name, filters, Boolean.TRUE.equals(request.shared()));
            announce(v, "saved");
            return v;
        });
    }

    public SavedView change(long id, Patch<ChangeView> sent) {
        RequestContext ctx = CurrentRequest.get();
        ChangeView c = sent.values();
        Map<String, String> filters = sent.has("filters") ? checked(c.filters()) : null;
        return tx.write(() -> {
            SavedView v = require(id, ctx);
            if (!v.mine()) {
                throw Roles.forbidden("only " + v.owner() + " changes the view '" + v.name() + "'");
            }
            String name = c.name() != null ? c.name().trim() : v.name();
            requireFreeName(v.boardId(), ctx.actor(), name, id);
            SavedView changed = repo.update(
                    ctx.workspaceId(),
                    new SavedView(
                            id,
                            v.boardId(),
                            name,
                            v.owner(),
                            c.shared() != null ? c.shared() : v.shared(),
                            true,
                            filters != null ? filters : v.filters(),
                            v.createdAt(),
                            v.updatedAt()),
                    ctx.actor());
            announce(changed, "changed");
            return changed;
        });
    }

    public void delete(long id) {
        RequestContext ctx = CurrentRequest.get();
        tx.write(() -> {
            SavedView v = require(id, ctx);
            if (!v.mine() && ctx.role() != Role.ADMIN) {
                throw Roles.forbidden("only " + v.owner() + " or an admin deletes the shared view '" + v.name() + "'");
            }
            repo.delete(ctx.workspaceId(), id);
            announce(v, "deleted");
        });
    }

    private SavedView require(long id, RequestContext ctx) {
        return repo.find(ctx.workspaceId(), id, ctx.actor()).orElseThrow(() -> ApiException.notFound("view", id));
    }

    private void requireFreeName(long boardId, String owner, String name, long exceptId) {
        if (repo.nameTaken(boardId, owner, name, exceptId)) {
            throw ApiException.conflict("duplicate-view", "you already have a view named '" + name + "' on this board");
        }
    }

    private void announce(SavedView v, String change) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("board_id", v.boardId());
        payload.put("view_id", v.id());
        payload.put("change", change);
        payload.put("shared", v.shared());
        payload.put("owner", v.owner());
        outbox.append(EventType.VIEWS_CHANGED, v.boardId(), null, payload);
    }

    /** The filters as the board's URL has them: known names or cf.<field>, text values up to 200 characters. */
    static Map<String, String> checked(Map<String, String> sent) {
        Map<String, String> filters = new LinkedHashMap<>();
        if (sent == null) {
            return filters;
        }
        sent.forEach((k, v) -> {
            String key = k == null ? "" : k.trim();
            boolean field = key.startsWith("cf.") && key.length() > 3 && key.length() <= 63;
            if (!FILTERS.contains(key) && !field) {
                throw ApiException.invalid(
                        "filters." + key,
                        "is not a board filter; use one of "
                                + FILTERS.stream().sorted().toList() + " or cf.<field name>");
            }
            if (v != null && v.length() > 200) {
                throw ApiException.invalid("filters." + key, "must be at most 200 characters");
            }
            if (v != null && !v.isBlank()) {
                filters.put(key, v.trim());
            }
        });
        return filters;
    }
}
