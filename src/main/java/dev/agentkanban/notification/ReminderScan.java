package dev.agentkanban.notification;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.events.SystemTransactions;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.notification.NotificationRepository.Due;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.WakeableLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Due-date reminders (issue 15): every {@code kanban.reminders.interval} it finds open tasks due within
 * {@code REMINDER_LEAD} (default 24 hours) or overdue whose reminder for their current due date has not
 * been sent, and for each claims it in the database (a row per task, kind and due date: of several
 * instances scanning at once exactly one inserts it) and, in the same transaction, appends
 * {@code task_due_soon} or {@code task_overdue} to the outbox, which the fan-out turns into
 * notifications for the task's assignees and watchers. A new due date is a new reminder.
 */
@Component
class ReminderScan implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReminderScan.class);
    private static final int BATCH = 500;
    /** The actor of reminder events. */
    static final String ACTOR = "system";

    private final SystemTransactions system;
    private final Transactions tx;
    private final NotificationRepository repo;
    private final Outbox outbox;
    private final Duration lead;
    private final Duration interval;
    private final boolean enabled;
    private final WakeableLoop loop = new WakeableLoop();

    ReminderScan(
            SystemTransactions system,
            Transactions tx,
            NotificationRepository repo,
            Outbox outbox,
            @Value("${REMINDER_LEAD:${kanban.reminders.lead:PT24H}}") Duration lead,
            @Value("${kanban.reminders.interval:PT1M}") Duration interval,
            @Value("${kanban.reminders.enabled:true}") boolean enabled) {
        this.system = system;
        this.tx = tx;
        this.repo = repo;
        this.outbox = outbox;
        this.lead = lead;
        this.interval = interval;
        this.enabled = enabled;
    }

    @Override
    public void start() {
        if (!enabled) {
            return;
        }
        loop.start(
                "reminder-scan",
                () -> loop.repeat(
                        () -> {
                            scan();
                            loop.await(interval);
                        },
                        interval,
                        log,
                        "reminder scan failed"));
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }

    /** One pass; returns how many reminders this instance claimed (and announced). */
    int scan() {
        int claimed = 0;
        while (true) {
            List<Due> due = system.read(() -> repo.dueReminders(lead, BATCH));
            int round = 0;
            for (Due d : due) {
                round += remind(d) ? 1 : 0;
            }
            claimed += round;
            if (due.size() < BATCH || round == 0) {
                return claimed;
            }
        }
    }

    private boolean remind(Due d) {
        RequestContext as = new RequestContext(d.workspaceId(), ACTOR, Role.ADMIN);
        return CurrentRequest.runAs(
                as,
                () -> tx.write(() -> {
                    if (!repo.claimReminder(d.workspaceId(), d.taskId(), d.kind(), d.dueDate())) {
                        return false; // another instance sent it, or the task changed meanwhile
                    }
                    Map<String, Object> task = new LinkedHashMap<>();
                    task.put("id", d.taskId());
                    task.put("board_id", d.boardId());
                    task.put("title", d.title());
                    task.put("due_date", d.dueDate().toString());
                    outbox.append(
                            d.kind().equals("overdue") ? EventType.TASK_OVERDUE : EventType.TASK_DUE_SOON,
                            d.boardId(),
                            d.taskId(),
                            Map.of("task", task, "reminder", d.kind()));
                    return true;
                }));
    }
}
