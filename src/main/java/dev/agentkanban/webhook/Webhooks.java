package dev.agentkanban.webhook;

import dev.agentkanban.board.BoardDeleting;
import dev.agentkanban.board.Boards;
import dev.agentkanban.events.EventType;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.identity.SecurityEvents;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.webhook.WebhookRequests.CreateWebhook;
import dev.agentkanban.webhook.WebhookRequests.UpdateWebhook;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The webhook feature's API: a workspace's webhook subscriptions, their delivery log and
 * redelivery. Webhooks send the workspace's data elsewhere, so managing them takes the admin role.
 */
@Service
class Webhooks {

    private static final Set<String> EVENT_TYPES = Arrays.stream(EventType.values())
            .map(EventType::wireName)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    /** The most webhooks a workspace may have (docs/live-updates.md): each event is one delivery per webhook. */
    static final int MAX_PER_WORKSPACE = 50;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookRepository repo;
    private final Transactions tx;
    private final Boards boards;
    private final WebhookWorker worker;
    private final WebhookTargets targets;
    private final SecurityEvents audit;

    Webhooks(
            WebhookRepository repo,
            Transactions tx,
            Boards boards,
            WebhookWorker worker,
            WebhookTargets targets,
            SecurityEvents audit) {
        this.audit = audit;
        this.repo = repo;
        this.tx = tx;
        this.boards = boards;
        this.worker = worker;
        this.targets = targets;
    }

    public Webhook create(CreateWebhook request) {
        Roles.require(Role.ADMIN);
        RequestContext ctx = CurrentRequest.get();
        String url = targets.require("url", request.url());
        List<String> types = validTypes(request.eventTypes());
        requireBoard(request.boardId());
        String secret = request.secret() != null ? requireSecret(request.secret()) : newSecret();
        return tx.write(() -> {
            if (repo.countLocked(ctx.workspaceId()) >= MAX_PER_WORKSPACE) {
                throw ApiException.conflict(
                        "too-many-webhooks",
                        "this workspace has " + MAX_PER_WORKSPACE
                                + " webhooks, the most it may have; delete one, or widen an existing one's event types");
            }
            long id = repo.insert(
                    ctx.workspaceId(),
                    url,
                    types,
                    request.boardId(),
                    secret,
                    request.active() == null || request.active(),
                    ctx.actor());
            Webhook made = repo.find(ctx.workspaceId(), id, false).orElseThrow();
            audit.record("webhook_created", described(made));
            return made.withSecret(secret);
        });
    }

    public Page<Webhook> list(PageRequest page) {
        Roles.require(Role.ADMIN);
        long ws = ws();
        return tx.read(() ->
                new Page<>(repo.list(ws, page.limit(), page.offset()), repo.count(ws), page.limit(), page.offset()));
    }

    public Webhook get(long id) {
        Roles.require(Role.ADMIN);
        long ws = ws();
        return tx.read(() -> load(ws, id, false));
    }

    public Webhook update(long id, Patch<UpdateWebhook> patch) {
        Roles.require(Role.ADMIN);
        long ws = ws();
        UpdateWebhook v = patch.values();
        String url = patch.has("url") ? targets.require("url", v.url()) : null;
        List<String> types = patch.has("event_types") ? validTypes(v.eventTypes()) : null;
        if (patch.has("board_id")) {
            requireBoard(v.boardId());
        }
        if (patch.has("active") && v.active() == null) {
            throw ApiException.invalid("active", "must be true or false");
        }
        if (patch.has("secret") && v.secret() == null) {
            throw ApiException.invalid("secret", "must not be null; send a new secret of 16 to 200 characters");
        }
        if (patch.has("secret")) {
            requireSecret(v.secret());
        }
        return tx.write(() -> {
            Webhook current = load(ws, id, true);
            repo.update(
                    ws,
                    id,
                    url != null ? url : current.url(),
                    types != null ? types : current.eventTypes(),
                    patch.has("board_id") ? v.boardId() : current.boardId(),
                    patch.has("active") ? v.active() : current.active(),
                    patch.has("secret") ? v.secret() : null);
            Webhook updated = load(ws, id, false);
            Map<String, Object> detail = described(updated);
            detail.put("changed", new TreeSet<>(patch.present()));
            detail.put("secret_rotated", patch.has("secret"));
            if (!updated.url().equals(current.url())) {
                detail.put("previous_url", current.url());
            }
            audit.record("webhook_changed", detail);
            return patch.has("secret") ? updated.withSecret(v.secret()) : updated;
        });
    }

    public void delete(long id) {
        Roles.require(Role.ADMIN);
        long ws = ws();
        tx.write(() -> {
            Webhook gone = load(ws, id, true);
            repo.delete(ws, id);
            audit.record("webhook_deleted", described(gone));
        });
    }

    /** The webhook's delivery log, newest first. */
    public Page<WebhookDelivery> deliveries(long webhookId, PageRequest page) {
        Roles.require(Role.ADMIN);
        long ws = ws();
        return tx.read(() -> {
            load(ws, webhookId, false);
            return new Page<>(
                    repo.deliveries(ws, webhookId, page.limit(), page.offset()),
                    repo.deliveryCount(ws, webhookId),
                    page.limit(),
                    page.offset());
        });
    }

    /** Sends a delivery again (whatever its status), with a fresh retry window. */
    public WebhookDelivery redeliver(long webhookId, long deliveryId) {
        Roles.require(Role.ADMIN);
        long ws = ws();
        WebhookDelivery queued = tx.write(() -> {
            Webhook hook = load(ws, webhookId, false);
            WebhookDelivery again = repo.requeue(ws, webhookId, deliveryId)
                    .orElseThrow(() -> ApiException.notFound("delivery", deliveryId));
            Map<String, Object> detail = described(hook);
            detail.put("delivery_id", deliveryId);
            detail.put("event_id", again.eventId());
            audit.record("webhook_redelivered", detail);
            return again;
        });
        worker.wake();
        return queued;
    }

    /**
     * A board-scoped webhook goes with its board (it would otherwise match nothing, or everything if
     * unscoped): deleted in the board's transaction, with a security-log row saying why.
     */
    @EventListener
    void boardDeleting(BoardDeleting board) {
        for (Webhook hook : repo.scopedTo(board.workspaceId(), board.boardId())) {
            repo.delete(board.workspaceId(), hook.id());
            Map<String, Object> detail = described(hook);
            detail.put("reason", "board deleted");
            detail.put("board_name", board.name());
            audit.record("webhook_deleted", detail);
        }
    }

    /** What the security log keeps of a webhook (never its secret). */
    private static Map<String, Object> described(Webhook hook) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("webhook_id", hook.id());
        detail.put("url", hook.url());
        detail.put("event_types", hook.eventTypes());
        detail.put("board_id", hook.boardId());
        detail.put("active", hook.active());
        return detail;
    }

    private Webhook load(long ws, long id, boolean forUpdate) {
        return repo.find(ws, id, forUpdate).orElseThrow(() -> ApiException.notFound("webhook", id));
    }

    private void requireBoard(Long boardId) {
        if (boardId == null) {
            return;
        }
        try {
            boards.get(boardId);
        } catch (ApiException e) {
            throw ApiException.invalid("board_id", "board " + boardId + " does not exist in this workspace");
        }
    }

    private static List<String> validTypes(List<String> types) {
        if (types == null) {
            return List.of();
        }
        for (String t : types) {
            if (!EVENT_TYPES.contains(t)) {
                throw ApiException.invalid(
                        "event_types", "unknown event type '" + t + "'; known: " + String.join(", ", EVENT_TYPES));
            }
        }
        return List.copyOf(new LinkedHashSet<>(types));
    }

    /** A secret given by the client: 16 characters at least that are not white space (its length is checked on the request). */
    private static String requireSecret(String secret) {
        if (secret.codePoints().filter(c -> !Character.isWhitespace(c)).count() < 16) {
            throw ApiException.invalid("secret", "must have at least 16 characters other than white space");
        }
        return secret;
    }

    private static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "whsec_" + HexFormat.of().formatHex(bytes);
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }
}
