package dev.agentkanban.events;

import dev.agentkanban.identity.AccessChanged;
import dev.agentkanban.identity.AccessWatch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The wake-up signal for this instance's dispatcher: {@code LISTEN kanban_events} on a dedicated
 * connection (not one of the pool's: it is held for the life of the instance), on its own virtual
 * thread, reconnecting after a failure. The outbox trigger sends the notification at commit from
 * whichever instance made the change (V6__live.sql). A notification carries nothing; the dispatcher
 * reads the outbox, so a notification lost while reconnecting only delays delivery until its poll.
 *
 * <p>The same connection listens on {@link AccessChanged#CHANNEL} (V13: revocations and membership
 * changes) and publishes each as an {@link AccessChanged} event, so that every instance re-checks its
 * open connections at once and empties its identity caches; and on {@link InboxWritten#CHANNEL} (V31:
 * new notifications), published as {@link InboxWritten}, so that every instance delivers them to its own
 * connections at once. Several times a second it asks the connection a trivial question and, once the
 * notifications that came before the answer are handled, tells {@link AccessWatch} that nothing was
 * missed; a silent or lost connection stops the caches.
 */
@Component
class OutboxNotifications implements SmartLifecycle {

    static final String CHANNEL = "kanban_events";
    /** How the listening connection shows in pg_stat_activity. */
    static final String APPLICATION_NAME = "kanban-outbox-listener";

    private static final Logger log = LoggerFactory.getLogger(OutboxNotifications.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How often the listening connection is asked whether it is alive (AccessWatch trusts it for 1 s). */
    private static final long PROBE_NANOS = Duration.ofMillis(250).toNanos();

    private final ChangeStream stream;
    private final ApplicationEventPublisher events;
    private final AccessWatch watch;
    private final String url;
    private final String username;
    private final String password;
    private final boolean enabled;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile Connection connection;

    OutboxNotifications(
            ChangeStream stream,
            ApplicationEventPublisher events,
            AccessWatch watch,
            Environment env,
            @Value("${kanban.events.listen:true}") boolean enabled) {
        this.stream = stream;
        this.events = events;
        this.watch = watch;
        // a session of its own on the primary: DATABASE_SESSION_URL when DATABASE_URL goes through a
        // transaction-pooling PgBouncer (LISTEN needs a session), else the pool's own URL
        boolean direct = env.containsProperty("kanban.database.session.url");
        String from = direct ? "kanban.database.session." : "spring.datasource.";
        this.url = env.getProperty(from + "url");
        this.username = env.getProperty(from + "username");
        this.password = env.getProperty(from + "password");
        this.enabled = enabled && url != null && url.startsWith("jdbc:postgresql:");
    }

    @Override
    public void start() {
        running = true;
        if (enabled) {
            thread = Thread.ofVirtual().name("outbox-listener").start(this::run);
        }
    }

    @Override
    public void stop() {
        running = false;
        watch.lost();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            closeQuietly(connection);
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration backoff = Duration.ofMillis(250);
        while (running) {
            try (Connection c = DriverManager.getConnection(url, connectionProperties())) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("listen " + CHANNEL);
                    s.execute("listen " + AccessChanged.CHANNEL);
                    s.execute("listen " + InboxWritten.CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                backoff = Duration.ofMillis(250);
                stream.wake(); // anything committed while we were not listening
                events.publishEvent(AccessChanged.ANYTHING);
                events.publishEvent(InboxWritten.SIGNAL);
                long probed = System.nanoTime();
                watch.confirmed();
                try (Statement probe = c.createStatement()) {
                    while (running) {
                        handle(pg.getNotifications(100));
                        if (System.nanoTime() - probed >= PROBE_NANOS) {
                            // the answer comes after every notification sent before it: handle those, and
                            // nothing up to now was missed
                            probe.execute("select 1 as listener_probe");
                            probed = System.nanoTime();
                            handle(pg.getNotifications());
                            watch.confirmed();
                        }
                    }
                }
            } catch (SQLException e) {
                watch.lost();
                if (!running) {
                    return;
                }
                log.warn("listening for outbox notifications failed, reconnecting in {}: {}", backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } finally {
                connection = null;
            }
        }
    }

    private void handle(PGNotification[] notifications) {
        boolean outbox = false;
        for (PGNotification n : notifications == null ? new PGNotification[0] : notifications) {
            if (AccessChanged.CHANNEL.equals(n.getName())) {
                events.publishEvent(new AccessChanged(n.getParameter()));
            } else if (InboxWritten.CHANNEL.equals(n.getName())) {
                events.publishEvent(InboxWritten.SIGNAL);
            } else {
                outbox = true;
            }
        }
        if (outbox) {
            stream.wake();
        }
    }

    private Properties connectionProperties() {
        Properties props = new Properties();
        if (username != null) {
            props.setProperty("user", username);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", APPLICATION_NAME);
        // a dead peer must surface as an error (and a reconnect), not as silence
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("connectTimeout", "5");
        // a probe that gets no answer fails (and the connection is replaced) instead of waiting forever
        props.setProperty("socketTimeout", "10");
        return props;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // shutting down
            }
        }
    }
}
