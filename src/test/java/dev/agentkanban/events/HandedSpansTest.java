package dev.agentkanban.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What the dispatcher hands a durable follower (issue #19): its rounds joined while they are
 * contiguous, so that the follower's cursor, moved to the end of what it took, is where the next span
 * starts; anything else starts over, and the follower then reads the outbox itself.
 */
class HandedSpansTest {

    private final AtomicInteger woken = new AtomicInteger();
    private final ChangeStream.Handed handed =
            new ChangeStream.Handed(woken::incrementAndGet, 10, Duration.ofMillis(100));

    @Test
    void contiguousRoundsAreOneSpan() {
        assertThat(handed.take()).as("nothing handed yet").isNull();
        handed.add(10, 12, events(11, 12));
        handed.add(12, 15, events(14));
        assertThat(woken).hasValue(2);

        ChangeStream.Span span = handed.take();
        assertThat(span.after()).isEqualTo(10);
        assertThat(span.through()).isEqualTo(15);
        assertThat(ids(span.events())).containsExactly(11L, 12L, 14L);
        assertThat(span.continues(9)).isFalse();
        assertThat(span.continues(12)).isTrue();
        assertThat(ids(span.after(12))).containsExactly(14L);
        assertThat(span.continues(16)).isFalse();
        assertThat(handed.take()).as("taken").isNull();

        handed.add(15, 17, events(16, 17));
        assertThat(handed.take().after())
                .as("the next starts where the last ended")
                .isEqualTo(15);
    }

    @Test
    void anEmptyRoundKeepsWhereTheSpanStarts() {
        handed.add(10, 12, events(11, 12));
        handed.take();
        handed.add(12, 13, List.of());
        ChangeStream.Span empty = handed.take();
        assertThat(empty.events()).isEmpty();
        handed.add(13, 15, events(15));
        ChangeStream.Span next = handed.take();
        assertThat(next.after()).isEqualTo(12);
        assertThat(next.through()).isEqualTo(15);
    }

    @Test
    void aGapOrTooManyEventsStartOver() {
        handed.add(10, 12, events(11, 12));
        handed.add(0, 3, events(1, 2, 3)); // the outbox was reset
        ChangeStream.Span reset = handed.take();
        assertThat(reset.after()).isZero();
        assertThat(ids(reset.events())).containsExactly(1L, 2L, 3L);

        handed.add(3, 9, events(4, 5, 6, 7, 8, 9));
        handed.add(9, 14, events(10, 11, 12, 13, 14)); // more than the follower's 10
        ChangeStream.Span over = handed.take();
        assertThat(over.after()).isEqualTo(9);
        assertThat(ids(over.events())).containsExactly(10L, 11L, 12L, 13L, 14L);
    }

    @Test
    void aFollowerThatTookEventsWaitsTheIntervalBeforeItsNextTake() {
        long ms = 1_000_000;
        assertThat(handed.rest(5 * ms)).as("nothing taken yet: at once").isZero();
        handed.add(10, 12, events(11, 12));
        assertThat(handed.take(5 * ms).events()).hasSize(2);
        assertThat(handed.rest(5 * ms)).as("just took events").isEqualTo(100 * ms);
        assertThat(handed.rest(45 * ms)).isEqualTo(60 * ms);

        // what comes meanwhile is joined, its wake-up kept, and taken whole after the interval
        handed.add(12, 13, events(13));
        handed.add(13, 15, events(14, 15));
        assertThat(woken).hasValue(3);
        assertThat(handed.rest(105 * ms)).isZero();
        ChangeStream.Span joined = handed.take(105 * ms);
        assertThat(joined.after()).isEqualTo(12);
        assertThat(ids(joined.events())).containsExactly(13L, 14L, 15L);
        assertThat(handed.rest(106 * ms)).isEqualTo(99 * ms);

        // a span without events, or nothing handed, does not start an interval: after a quiet spell the
        // first event is taken at once
        handed.add(15, 16, List.of());
        handed.take(300 * ms);
        assertThat(handed.take(310 * ms)).isNull();
        assertThat(handed.rest(320 * ms)).isZero();
    }

    private static List<ChangeEvent> events(long... ids) {
        return LongStream.of(ids)
                .mapToObj(id -> new ChangeEvent(id, 1, "task_moved", 1L, id, "someone", Instant.EPOCH, null, 0))
                .toList();
    }

    private static List<Long> ids(List<ChangeEvent> events) {
        return events.stream().map(ChangeEvent::eventId).toList();
    }
}
