package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void theSeedFormIsSplitIntoAJdbcUrlAndCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://kanban:secret@db.example.com:6543/board?sslmode=require");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/board?sslmode=require");
        assertThat(url.username()).isEqualTo("kanban");
        assertThat(url.password()).isEqualTo("secret");
    }

    @Test
    void thePostgresSchemeWorksTooAndThePortDefaultsTo5432() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://kanban@localhost/board");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/board");
        assertThat(url.username()).isEqualTo("kanban");
        assertThat(url.password()).isNull();
    }

    @Test
    void withoutADatabaseNameThePostgresDatabaseIsUsed() {
        assertThat(DatabaseUrl.parse("postgresql://db:5433").jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/postgres");
    }

    @Test
    void percentEncodedCharactersInThePasswordAreDecodedAndAPlusStaysAPlus() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://us%65r:p%40ss%3Aw+rd%2F@db/board");
        assertThat(url.username()).isEqualTo("user");
        assertThat(url.password()).isEqualTo("p@ss:w+rd/");
    }

    @Test
    void anIpv6HostKeepsItsBrackets() {
        assertThat(DatabaseUrl.parse("postgresql://u:p@[::1]:5432/board").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5432/board");
    }

    @Test
    void aJdbcUrlPassesThroughUnchanged() {
        String jdbc = "jdbc:postgresql://db:5432/board?user=kanban&password=secret";
        DatabaseUrl url = DatabaseUrl.parse("  " + jdbc + " ");
        assertThat(url.jdbcUrl()).isEqualTo(jdbc);
        assertThat(url.username()).isNull();
        assertThat(url.password()).isNull();
    }

    @Test
    void garbageIsRefusedWithAMessageThatNamesTheAcceptedForms() {
        for (String garbage :
                new String[] {"", "   ", "localhost:5432/board", "mysql://u:p@db/board", "jdbc:mysql://db/board"}) {
            assertThatThrownBy(() -> DatabaseUrl.parse(garbage))
                    .as(garbage)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("postgresql://user:password@host:port/database");
        }
    }

    @Test
    void aMalformedUrlIsRefusedWithoutRepeatingThePassword() {
        for (String malformed :
                new String[] {"postgresql://u:top secret@db/board", "postgresql://u:top@secret@db/board"}) {
            assertThatThrownBy(() -> DatabaseUrl.parse(malformed))
                    .as(malformed)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("percent-encode")
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void thePasswordNeverAppearsInTheTextForm() {
        assertThat(DatabaseUrl.parse("postgresql://u:secret@db/board").toString())
                .doesNotContain("secret");
    }

    /** A password among a JDBC URL's parameters is masked wherever the URL is shown (the worker logs it). */
    @Test
    void aPasswordParameterIsMaskedInTheShownForm() {
        DatabaseUrl url = DatabaseUrl.parse(
                "jdbc:postgresql://db:5432/w?user=u&password=p%40ss%3Aw&sslmode=disable&Password=again");
        assertThat(url.forLog())
                .isEqualTo("jdbc:postgresql://db:5432/w?user=u&password=******&sslmode=disable&password=******");
        assertThat(url.toString()).doesNotContain("p%40ss").doesNotContain("again");
        assertThat(DatabaseUrl.parse("postgresql://u:secret@db/board?password=x")
                        .forLog())
                .isEqualTo("jdbc:postgresql://db:5432/board?password=******");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://db/board").forLog()).isEqualTo("jdbc:postgresql://db/board");
    }

    @Test
    void theReplicaAndSessionUrlsAreMappedLikeDatabaseUrl() {
        var env = new org.springframework.mock.env.MockEnvironment()
                .withProperty("DATABASE_URL", "postgresql://app:pw@pgbouncer:6432/kanban?prepareThreshold=0")
                .withProperty("READ_DATABASE_URL", "postgresql://reader:rpw@standby:5432/kanban")
                .withProperty("DATABASE_SESSION_URL", "postgresql://app:pw@primary:5432/kanban");
        new DatabaseUrlEnvironmentPostProcessor().postProcessEnvironment(env, null);
        assertThat(env.getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://pgbouncer:6432/kanban?prepareThreshold=0");
        assertThat(env.getProperty("kanban.read-database.url")).isEqualTo("jdbc:postgresql://standby:5432/kanban");
        assertThat(env.getProperty("kanban.read-database.username")).isEqualTo("reader");
        assertThat(env.getProperty("kanban.read-database.password")).isEqualTo("rpw");
        assertThat(env.getProperty("kanban.database.session.url")).isEqualTo("jdbc:postgresql://primary:5432/kanban");
        // the migrations take a session lock, so they bypass PgBouncer too
        assertThat(env.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://primary:5432/kanban");
        assertThat(env.getProperty("spring.flyway.user")).isEqualTo("app");
    }
}
