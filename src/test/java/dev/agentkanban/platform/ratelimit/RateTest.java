package dev.agentkanban.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.platform.ratelimit.RateLimitFilter.Budget;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateTest {

    @Test
    void aPlainNumberIsPerMinute() {
        assertThat(Rate.parse("RATE_LIMIT_DEFAULT", "60")).isEqualTo(new Rate(60, Duration.ofMinutes(1)));
    }

    @Test
    void unitsAndPeriodCountsAreAccepted() {
        assertThat(Rate.parse("X", "60/min")).isEqualTo(new Rate(60, Duration.ofMinutes(1)));
        assertThat(Rate.parse("X", "5/s")).isEqualTo(new Rate(5, Duration.ofSeconds(1)));
        assertThat(Rate.parse("X", " 100 / h ")).isEqualTo(new Rate(100, Duration.ofHours(1)));
        assertThat(Rate.parse("X", "10/Minute")).isEqualTo(new Rate(10, Duration.ofMinutes(1)));
        assertThat(Rate.parse("X", "100/5min")).isEqualTo(new Rate(100, Duration.ofMinutes(5)));
    }

    @Test
    void aMalformedOrEmptyRateNamesTheSetting() {
        for (String bad : new String[] {"", "abc", "-1", "0", "10/week", "10/0s", "1.5/s"}) {
            assertThatThrownBy(() -> Rate.parse("RATE_LIMIT_BULK", bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("RATE_LIMIT_BULK");
        }
    }

    @Test
    void rateReadsAsASentence() {
        assertThat(Rate.parse("X", "60").toString()).isEqualTo("60 per minute");
        assertThat(Rate.parse("X", "5/s").toString()).isEqualTo("5 per second");
    }

    @Test
    void pathsDrawOnTheirBudgetAndHealthIsNeverLimited() {
        assertThat(RateLimitFilter.budgetOf("/api/v1/boards")).contains(Budget.DEFAULT);
        assertThat(RateLimitFilter.budgetOf("/api/v1/bulk/tasks/move")).contains(Budget.BULK);
        assertThat(RateLimitFilter.budgetOf("/ws")).contains(Budget.WS_CONNECT);
        assertThat(RateLimitFilter.budgetOf("/ws/connect")).contains(Budget.WS_CONNECT);
        assertThat(RateLimitFilter.budgetOf("/mcp")).contains(Budget.DEFAULT);
        assertThat(RateLimitFilter.budgetOf("/api/v1/events")).contains(Budget.FEED);
        assertThat(RateLimitFilter.budgetOf("/api/v1/events/progress")).contains(Budget.FEED);
        for (String open : new String[] {
            "/health",
            "/api/v1/health",
            "/api/v1/health/simple",
            "/api/v1/status",
            "/actuator/health",
            "/actuator/health/liveness",
            "/",
            "/index.html",
            "/js/app.js",
            "/docs"
        }) {
            assertThat(RateLimitFilter.budgetOf(open)).as(open).isEqualTo(Optional.empty());
        }
    }
}
