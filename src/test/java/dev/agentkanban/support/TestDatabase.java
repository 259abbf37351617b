package dev.agentkanban.support;

import dev.agentkanban.platform.DatabaseUrl;
import dev.agentkanban.platform.EmbeddedDatabase;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * The real PostgreSQL the tests use, chosen once per JVM: {@code TEST_DATABASE_URL} if set, else the
 * server on 127.0.0.1:5432 if reachable, else an embedded one. On a server, each test run gets its own
 * fresh database, dropped when the JVM exits.
 */
public final class TestDatabase {

    private static TestDatabase instance;

    public final String jdbcUrl;
    public final String username;
    public final String password;

    private TestDatabase(String jdbcUrl, String username, String password) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    /**
     * Another fresh database on the same server (dropped when the JVM exits), e.g. the worker's own
     * database next to the API's.
     */
    public TestDatabase another(String prefix) {
        try {
            // created and later dropped from the server's maintenance database, not from the test database
            return fresh(jdbcUrl.replaceFirst("/[^/?]*(\\?|$)", "/postgres$1"), username, password, prefix);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a " + prefix + " database", e);
        }
    }

    /**
     * A fresh database on the same server owned by a new role of its own that is neither superuser
     * nor allowed to create roles, connected to as that role (its tables' owner): how the service runs
     * where the migration cannot create or grant the {@code kanban_app} role. Database and role are
     * dropped when the JVM exits; the role connects without a password (the server trusts local
     * connections, as the test server's own user does).
     */
    public TestDatabase ownedByPlainRole(String prefix) {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String role = prefix + "_owner_" + suffix;
        String name = prefix + "_" + suffix;
        String serverUrl = jdbcUrl.replaceFirst("/[^/?]*(\\?|$)", "/postgres$1");
        try (Connection c = DriverManager.getConnection(serverUrl, username, password);
                Statement s = c.createStatement()) {
            s.execute("create role " + role + " login nosuperuser nocreaterole nocreatedb");
            s.execute("create database " + name + " owner " + role);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a database owned by a plain role", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(serverUrl, username, password);
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + name + " with (force)");
                s.execute("drop owned by " + role);
                s.execute("drop role if exists " + role);
            } catch (Exception ignored) {
                // best effort
            }
        }));
        return new TestDatabase(serverUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"), role, null);
    }

    /** A database the test set up itself (a server of its own, say), as it is. */
    public static TestDatabase at(String jdbcUrl, String username, String password) {
        return new TestDatabase(jdbcUrl, username, password);
    }

    /** This database as another user of the same server (the server's own user, say), same password. */
    public TestDatabase as(TestDatabase user) {
        return new TestDatabase(jdbcUrl, user.username, user.password);
    }

    /** The JDBC URL with the user and password as parameters, for settings that take a single URL. */
    public String urlWithCredentials() {
        String url = jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?");
        if (username != null) {
            url += "user=" + java.net.URLEncoder.encode(username, java.nio.charset.StandardCharsets.UTF_8) + "&";
        }
        if (password != null) {
            url += "password=" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8) + "&";
        }
        return url.substring(0, url.length() - 1);
    }

    /** The name of the database the URL points at. */
    public String name() {
        return jdbcUrl.replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
    }

    private static TestDatabase create() {
        try {
            String configured = System.getenv("TEST_DATABASE_URL");
            if (configured != null && !configured.isBlank()) {
                DatabaseUrl url = DatabaseUrl.parse(configured);
                return fresh(url.jdbcUrl(), url.username(), url.password());
            }
            String local = "jdbc:postgresql://127.0.0.1:5432/postgres?connectTimeout=2";
            if (reachable(local, "postgres", null)) {
                return fresh(local, "postgres", null);
            }
            EmbeddedDatabase embedded = EmbeddedDatabase.start(Files.createTempDirectory("kanban-test-pg"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (Exception ignored) {
                    // the JVM is exiting
                }
            }));
            return new TestDatabase(embedded.jdbcUrl(), null, null);
        } catch (Exception e) {
            throw new IllegalStateException("no PostgreSQL for tests", e);
        }
    }

    /**
     * Another fresh database on the same server, dropped when the JVM exits: for a test whose app
     * instances must be the only ones at work on their database (the test JVM's other application
     * contexts all share {@link #get}'s).
     */
    public TestDatabase another() {
        return another("kanban_test");
    }

    /** Creates a database of its own on the server, so concurrent runs and stale data cannot interfere. */
    private static TestDatabase fresh(String serverUrl, String user, String password) throws Exception {
        return fresh(serverUrl, user, password, "kanban_test");
    }

    private static TestDatabase fresh(String serverUrl, String user, String password, String prefix) throws Exception {
        String name =
                prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(serverUrl, user, password);
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        String dbUrl = serverUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(serverUrl, user, password);
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + name + " with (force)");
            } catch (Exception ignored) {
                // best effort
            }
        }));
        return new TestDatabase(dbUrl, user, password);
    }

    private static boolean reachable(String url, String user, String password) {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }
}
