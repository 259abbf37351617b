package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

/** How a failed commit or rollback is answered (the HA drill's 500 during a failover). */
class ProblemHandlerTest {

    private final ProblemHandler handler = new ProblemHandler();

    @Test
    void aRollbackThatFailedBecauseTheServerWentAwayIsA503() {
        var crashed = new TransactionSystemException(
                "JDBC rollback failed",
                new SQLException("FATAL: terminating connection due to unexpected postmaster exit", "57P01"));
        var response = handler.transaction(crashed);
        assertThat(response.getStatusCode().value()).isEqualTo(503);
        assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo(Problems.RETRY_AFTER_SECONDS);
        assertThat(response.getBody().getType().toString()).endsWith("/unavailable");

        var broken = new TransactionSystemException(
                "JDBC rollback failed", new SQLException("An I/O error occurred", "08006"));
        assertThat(handler.transaction(broken).getStatusCode().value()).isEqualTo(503);
    }

    @Test
    void aFailedSavepointRollbackAfterTheServerWentAwayIsA503() {
        // the HA drill (a move cut off by the kill -9): the update failed with 57P01, the rollback to
        // the savepoint then failed with the pool's "Connection is closed", which has no SQL state
        var rollback = new TransactionSystemException(
                "Could not roll back to JDBC savepoint", new SQLException("Connection is closed"));
        rollback.initApplicationException(new DataAccessResourceFailureException(
                "update tasks",
                new SQLException("FATAL: terminating connection due to unexpected postmaster exit", "57P01")));
        assertThat(handler.transaction(rollback).getStatusCode().value()).isEqualTo(503);
    }

    @Test
    void aDriverExceptionThatLeftTheServletIsRecognisedAsALostConnection() {
        // the HA drill: a keyed POST (IdempotencyFilter) cut off by the kill -9 ended in the error
        // controller with the driver's own exception, which must be a 503 there too
        assertThat(ProblemHandler.connectionLost(
                        new SQLException("FATAL: terminating connection due to unexpected postmaster exit", "57P01")))
                .isTrue();
        assertThat(ProblemHandler.connectionLost(new SQLException("FATAL: server conn crashed?", "08P01")))
                .isTrue();
        assertThat(ProblemHandler.connectionLost(new SQLException("duplicate key", "23505")))
                .isFalse();
    }

    @Test
    void anyOtherTransactionFailureStaysA500() {
        var other = new TransactionSystemException("could not commit", new SQLException("serialization", "40001"));
        assertThat(handler.transaction(other).getStatusCode().value()).isEqualTo(500);
    }
}
