package dev.agentkanban.events;

import dev.agentkanban.identity.AccessChanged;
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
 * open connections at once; and on {@link InboxWritten#CHANNEL} (V27: new notifications), published as
 * {@link InboxWritten}, so that every instance delivers them to its own connections at once.
 */
@Component
class OutboxNotifications implements SmartLifecycle {

    static final String CHANNEL = "kanban_events";
    /** How the listening connection shows in pg_stat_activity. */
    static final String APPLICATION_NAME = "kanban-outbox-listener";

    private static final Logger log = LoggerFactory.getLogger(OutboxNotifications.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ChangeStream stream;
    private final ApplicationEventPublisher events;
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
            Environment env,
            @Value("${kanban.events.listen:true}") boolean enabled) {
        this.stream = stream;
        this.events = events;
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
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
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
            } catch (SQLException e) {
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
