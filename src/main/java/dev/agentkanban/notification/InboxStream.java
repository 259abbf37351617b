package dev.agentkanban.notification;

import dev.agentkanban.events.InboxWritten;
import dev.agentkanban.events.SystemTransactions;
import dev.agentkanban.notification.NotificationRepository.Fresh;
import dev.agentkanban.platform.WakeableLoop;
import dev.agentkanban.realtime.UserChannels;
import dev.agentkanban.realtime.UserChannels.UserMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * This instance's live delivery of the inbox: each new notification row goes to its member's
 * connections on this instance as {@code {type: "notification", notification, unread_count}}. It reads
 * the committed rows (so every instance delivers whichever instance wrote them), wakes on the
 * database's {@code kanban_inbox} signal and polls as well. Rows become visible in id order (the
 * fan-out writes them one transaction at a time), so following the highest id seen misses none.
 */
@Component
class InboxStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxStream.class);
    private static final long NOT_STARTED = -1;

    private final SystemTransactions system;
    private final NotificationRepository repo;
    private final UserChannels channels;
    private final JsonMapper json;
    private final Duration pollInterval;
    private final WakeableLoop loop = new WakeableLoop();
    private volatile long position = NOT_STARTED;

    InboxStream(
            SystemTransactions system,
            NotificationRepository repo,
            UserChannels channels,
            JsonMapper json,
            @Value("${kanban.notifications.poll-interval:PT1S}") Duration pollInterval) {
        this.system = system;
        this.repo = repo;
        this.channels = channels;
        this.json = json;
        this.pollInterval = pollInterval;
    }

    @EventListener
    void written(InboxWritten signal) {
        wake();
    }

    void wake() {
        loop.wake();
    }

    @Override
    public void start() {
        loop.start(
                "inbox-live",
                () -> loop.repeat(
                        () -> {
                            deliver();
                            loop.await(pollInterval);
                        },
                        pollInterval,
                        log,
                        "live inbox delivery failed"));
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }

    private void deliver() {
        long through = system.read(repo::lastId);
        if (position == NOT_STARTED || through < position) {
            position = through; // live delivery starts now (or again after the table was reset)
            return;
        }
        while (position < through) {
            Set<Long> connected = channels.connectedUsers();
            if (connected.isEmpty()) {
                position = through;
                return;
            }
            long after = position;
            List<Fresh> fresh = system.read(() -> repo.fresh(after, through, connected));
            channels.deliver(fresh.stream().map(this::message).toList());
            position = through;
        }
    }

    private UserMessage message(Fresh f) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "notification");
        node.put("timestamp", Instant.now().toString());
        node.set("notification", json.valueToTree(f.notification()));
        node.put("unread_count", f.unread());
        return new UserMessage(f.workspaceId(), f.userId(), json.writeValueAsString(node));
    }
}
