package dev.agentkanban.field;

import dev.agentkanban.board.Boards;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.field.FieldRequests.ChangeField;
import dev.agentkanban.field.FieldRequests.DefineField;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.platform.Transactions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * The custom field feature's API: a board's field definitions (members change them) and, for the task
 * feature, the checking of a task's values against them. A change of the definitions is announced as
 * {@code fields_changed} with the board's fields as they are now.
 */
@Service
public class CustomFields {

    /** The most fields a board may define. */
    static final int MAX_FIELDS = 50;

    private final FieldRepository repo;
    private final Boards boards;
    private final Transactions tx;
    private final Outbox outbox;

    CustomFields(FieldRepository repo, Boards boards, Transactions tx, Outbox outbox) {
        this.repo = repo;
        this.boards = boards;
        this.tx = tx;
        this.outbox = outbox;
    }

    /** The board's fields in their order; 404 when the board is not in the workspace. */
    public List<CustomField> list(long boardId) {
        return tx.read(() -> ofBoard(boardId));
    }

    /** The board's fields inside the caller's transaction (404 for another workspace's board). */
    public List<CustomField> ofBoard(long boardId) {
        List<CustomField> fields = repo.ofBoard(ws(), boardId);
        if (fields.isEmpty()) {
            boards.require(boardId);
        }
        return fields;
    }

    public CustomField define(long boardId, DefineField request) {
        Roles.require(Role.MEMBER);
        String name = name(request.name());
        List<String> options = options(request.type(), request.options());
        return tx.write(() -> {
            boards.require(boardId);
            if (repo.ofBoard(ws(), boardId).size() >= MAX_FIELDS) {
                throw ApiException.conflict("too-many-fields", "a board has at most " + MAX_FIELDS + " fields");
            }
            requireFreeName(boardId, name, 0);
            CustomField f = repo.insert(
                    ws(), boardId, name, request.type(), options, Boolean.TRUE.equals(request.visible()), null);
            if (request.position() != null) {
                f = f.at(repo.place(ws(), boardId, f.id(), request.position()));
            }
            announce(boardId);
            return f;
        });
    }

    /** Renames, reorders, shows or hides a field, or changes a select field's options; the type stays. */
    public CustomField change(long id, Patch<ChangeField> sent) {
        Roles.require(Role.MEMBER);
        ChangeField v = sent.values();
        return tx.write(() -> {
            CustomField f = require(id);
            if (v.type() != null && v.type() != f.type()) {
                throw ApiException.invalid("type", "cannot change; define a new field of type " + v.type());
            }
            String name = sent.has("name") && v.name() != null ? name(v.name()) : f.name();
            requireFreeName(f.boardId(), name, id);
            List<String> options = sent.has("options") ? options(f.type(), v.options()) : f.options();
            if (v.position() != null) {
                f = f.at(repo.place(ws(), f.boardId(), id, v.position()));
            }
            CustomField changed = repo.update(
                    ws(),
                    new CustomField(
                            id,
                            f.boardId(),
                            name,
                            f.type(),
                            options,
                            v.visible() == null ? f.visible() : v.visible(),
                            f.position()));
            announce(f.boardId());
            return changed;
        });
    }

    /** Deletes the field; the tasks' values of it are never read again (ids are not reused). */
    public void remove(long id) {
        Roles.require(Role.MEMBER);
        tx.write(() -> {
            CustomField f = require(id);
            repo.delete(ws(), id);
            announce(f.boardId());
        });
    }

    /**
     * The values a task of the board stores after a change, inside the caller's transaction:
     * {@code current} (by field key) with {@code sent} (by field name, any case) applied, or with
     * {@code replace} the sent values alone. A name the board does not define, or a value its field
     * refuses, is a 422 naming {@code fields.<name>}; {@code null} clears a value.
     */
    public Map<String, Object> apply(
            long boardId, Map<String, Object> current, Map<String, Object> sent, boolean replace) {
        Map<String, Object> values = new LinkedHashMap<>(replace || current == null ? Map.of() : current);
        if (sent == null || sent.isEmpty()) {
            return values;
        }
        List<CustomField> fields = repo.ofBoard(ws(), boardId);
        for (Map.Entry<String, Object> e : sent.entrySet()) {
            CustomField f = fields.stream()
                    .filter(c -> c.name().equalsIgnoreCase(e.getKey().trim()))
                    .findFirst()
                    .orElseThrow(() -> ApiException.invalid(
                            "fields." + e.getKey(),
                            "board " + boardId + " has no field of this name; its fields are "
                                    + fields.stream().map(CustomField::name).toList()));
            Optional<Object> value = FieldValues.check(f, e.getValue(), name -> repo.memberName(ws(), name));
            value.ifPresentOrElse(v -> values.put(f.key(), v), () -> values.remove(f.key()));
        }
        return values;
    }

    /**
     * Defines a field as a backup had it, inside the import's transaction (no event: the import
     * announces itself). The document's options and names are checked like a new field's.
     */
    public CustomField restore(
            long boardId, String name, FieldType type, List<String> options, boolean visible, int position) {
        Transactions.requireActive("a restored field must be inserted inside the import's transaction");
        String checked = name(name == null ? "" : name);
        requireFreeName(boardId, checked, 0);
        return repo.insert(ws(), boardId, checked, type, options(type, options), visible, position);
    }

    /**
     * A restored task's values by field key from the backup's values by field name (as the export
     * wrote them, not checked again: a member named there need not be a member here); names the board
     * does not define are left out.
     */
    public static Map<String, Object> keyed(List<CustomField> fields, Map<String, Object> byName) {
        Map<String, Object> keyed = new LinkedHashMap<>();
        for (CustomField f : fields) {
            Object v = byName.get(f.name());
            if (v != null) {
                keyed.put(f.key(), v);
            }
        }
        return keyed;
    }

    /** A task's stored values (by field key) by field name, for exports and agents. */
    public static Map<String, Object> byName(List<CustomField> fields, Map<String, Object> stored) {
        Map<String, Object> named = new LinkedHashMap<>();
        for (CustomField f : fields) {
            Object v = stored.get(f.key());
            if (v != null) {
                named.put(f.name(), v);
            }
        }
        return named;
    }

    private CustomField require(long id) {
        return repo.find(ws(), id).orElseThrow(() -> ApiException.notFound("field", id));
    }

    private void requireFreeName(long boardId, String name, long exceptId) {
        if (repo.nameTaken(boardId, name, exceptId)) {
            throw ApiException.conflict(
                    "duplicate-field", "board " + boardId + " already has a field named '" + name + "'");
        }
    }

    private void announce(long boardId) {
        outbox.append(
                EventType.FIELDS_CHANGED,
                boardId,
                null,
                Map.of("board_id", boardId, "fields", repo.ofBoard(ws(), boardId)));
    }

    /** A field's name: trimmed, without control characters. */
    private static String name(String sent) {
        String name = sent.trim();
        if (name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("name", "must be 1 to 60 characters without control characters");
        }
        return name;
    }

    /** A select field's options (one at least, unique in any case); other types take none. */
    private static List<String> options(FieldType type, List<String> sent) {
        List<String> options =
                sent == null ? List.of() : sent.stream().map(String::trim).toList();
        if (!type.selects()) {
            if (!options.isEmpty()) {
                throw ApiException.invalid("options", "only select fields have options");
            }
            return List.of();
        }
        if (options.isEmpty()) {
            throw ApiException.invalid("options", "a " + type + " field needs at least one option");
        }
        Set<String> seen = new HashSet<>();
        for (String o : options) {
            if (o.contains(",") || o.chars().anyMatch(Character::isISOControl)) {
                throw ApiException.invalid("options", "'" + o + "' may not contain commas or control characters");
            }
            if (!seen.add(o.toLowerCase(Locale.ROOT))) {
                throw ApiException.invalid("options", "'" + o + "' is listed twice");
            }
        }
        return options;
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }
}
