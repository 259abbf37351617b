package dev.agentkanban.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The access log's duration and the request ids the filter makes up, without a server. */
class RequestLogFilterTest {

    @Test
    void durationsReadAsFormatWouldWriteThem() {
        for (long micros = 0; micros < 200_000; micros += 7) {
            assertThat(RequestLogFilter.milliseconds(micros))
                    .as("%d µs", micros)
                    .isEqualTo(String.format(Locale.ROOT, "%.1f", micros / 1000.0));
        }
        assertThat(RequestLogFilter.milliseconds(49)).isEqualTo("0.0");
        assertThat(RequestLogFilter.milliseconds(50)).isEqualTo("0.1");
        assertThat(RequestLogFilter.milliseconds(1_234_567_890L)).isEqualTo("1234567.9");
    }

    @Test
    void madeUpIdsAreDistinctVersionFourUuids() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestLogFilter.requestId(null);
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }
}
