package dev.agentkanban.notification;

import dev.agentkanban.notification.Notifications.Inbox;
import dev.agentkanban.notification.Notifications.Watchers;
import dev.agentkanban.platform.PageRequest;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The caller's inbox and a task's watchers (issue 15). */
@RestController
@RequestMapping("/api/v1")
class NotificationController {

    private final Notifications notifications;

    NotificationController(Notifications notifications) {
        this.notifications = notifications;
    }

    @GetMapping("/notifications")
    Inbox inbox(
            @RequestParam(required = false) Boolean unread,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return notifications.inbox(Boolean.TRUE.equals(unread), PageRequest.of(limit, offset));
    }

    @GetMapping("/notifications/unread-count")
    Map<String, Long> unreadCount() {
        return Map.of("unread_count", notifications.unreadCount());
    }

    @PostMapping("/notifications/{id}/read")
    Notification markRead(@PathVariable long id) {
        return notifications.markRead(id);
    }

    @PostMapping("/notifications/read-all")
    Map<String, Integer> markAllRead() {
        return Map.of("marked", notifications.markAllRead());
    }

    @GetMapping("/tasks/{id}/watchers")
    Watchers watchers(@PathVariable long id) {
        return notifications.watchers(id);
    }

    @PutMapping("/tasks/{id}/watchers/me")
    Watchers watch(@PathVariable long id) {
        return notifications.watch(id, true);
    }

    @DeleteMapping("/tasks/{id}/watchers/me")
    Watchers unwatch(@PathVariable long id) {
        return notifications.watch(id, false);
    }
}
