package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentkanban.support.ApiTest;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A database that stops answering without closing its connections (a frozen server) fails a statement in
 * flight after the socket timeout instead of holding its request for ever: the pool's connections carry it.
 */
class SocketTimeoutTest extends ApiTest {

    @Autowired
    DataSource dataSource;

    @Test
    void thePoolsConnectionsGiveUpOnASilentServer() throws SQLException {
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        assertThat(pool.getDataSourceProperties().getProperty("socketTimeout")).isEqualTo("300");
        try (Connection c = pool.getConnection()) {
            assertThat(c.unwrap(PGConnection.class)).isNotNull();
            assertThat(c.getNetworkTimeout()).isEqualTo(300_000);
        }
    }
}
