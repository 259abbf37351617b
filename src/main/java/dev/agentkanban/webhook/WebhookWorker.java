package dev.agentkanban.webhook;

import dev.agentkanban.events.ChangeEvent;
import dev.agentkanban.events.ChangeFeed;
import dev.agentkanban.events.ChangeStream;
import dev.agentkanban.events.SystemTransactions;
import dev.agentkanban.platform.DueWork;
import dev.agentkanban.platform.WakeableLoop;
import dev.agentkanban.webhook.WebhookClient.Outcome;
import dev.agentkanban.webhook.WebhookRepository.Claimed;
import dev.agentkanban.webhook.WebhookRepository.Subscriber;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers webhooks, from the durable outbox, at least once, on every instance at the same time.
 *
 * <p>Fan-out: follows the outbox with the change feed's gap-free cursor and, in one transaction,
 * creates a delivery per matching webhook and event (idempotent) and advances the persisted cursor;
 * the cursor row's lock makes instances take turns. Sending: claims due deliveries with
 * {@code FOR UPDATE SKIP LOCKED} and a lease, POSTs the signed event without the loop waiting for the
 * answer (so a slow target delays only its own deliveries), records the outcome; a failed
 * attempt is retried with exponential backoff until the retry window (over 24 hours) has passed. A
 * delivery claimed by an instance that dies is taken up again when its lease runs out.
 *
 * <p>All of this is system work across workspaces, outside any request (see SystemTransactions).
 */
@Component
class WebhookWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookWorker.class);
    private static final int BATCH = 500;
    private static final int CLAIM = 20;
    /** Attempts running at once, over all workspaces (the HTTP client's pool allows 200 connections). */
    static final int IN_FLIGHT = 100;
    /** Attempts of one workspace running at once. */
    static final int PER_WORKSPACE = 10;

    private static final int MAX_ERROR = 500;

    private final ChangeFeed feed;
    private final WebhookTargets targets;
    private final SystemTransactions system;
    private final WebhookRepository repo;
    private final JsonMapper json;
    private final Duration pollInterval;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration retryWindow;
    private final Duration timeout;
    private final Clock clock = Clock.systemUTC();
    private final WebhookClient http;
    private final WakeableLoop loop = new WakeableLoop();
    private final ChangeFeed.DurableCursor cursor = ChangeFeed.DurableCursor.of(this::cursorAt, this::moveCursor);
    private final ChangeStream.Handed handed;
    private final DueWork sending;
    /** Attempts running, by workspace (guarded by itself). */
    private final Map<Long, Integer> inFlight = new HashMap<>();

    private volatile ExecutorService senders;

    WebhookWorker(
            ChangeFeed feed,
            ChangeStream stream,
            WebhookTargets targets,
            SystemTransactions system,
            WebhookRepository repo,
            JsonMapper json,
            @Value("${kanban.webhooks.poll-interval:PT1S}") Duration pollInterval,
            @Value("${kanban.webhooks.initial-backoff:PT10S}") Duration initialBackoff,
            @Value("${kanban.webhooks.max-backoff:PT1H}") Duration maxBackoff,
            @Value("${kanban.webhooks.retry-window:PT25H}") Duration retryWindow,
            @Value("${kanban.webhooks.timeout:PT10S}") Duration timeout) {
        this.feed = feed;
        this.targets = targets;
        this.system = system;
        this.repo = repo;
        this.json = json;
        this.pollInterval = pollInterval;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.retryWindow = retryWindow;
        this.timeout = timeout;
        this.http = new WebhookClient(targets, timeout);
        this.handed = stream.follow(loop::wake, BATCH);
        this.sending = new DueWork(pollInterval);
    }

    /** A delivery was queued again: send it soon. */
    void wake() {
        sending.ask();
        loop.wake();
    }

    @Override
    public void start() {
        senders = Executors.newVirtualThreadPerTaskExecutor();
        loop.start(
                "webhook-worker",
                () -> loop.repeat(
                        () -> {
                            handed.pace();
                            // due deliveries: when this round created some, when asked (a redelivery), and
                            // every poll interval; not on every round of events no webhook wants
                            sending.runIf(fanOut() > 0, this::send);
                            loop.await(pollInterval);
                        },
                        pollInterval,
                        log,
                        "webhook work failed"));
    }

    @Override
    public void stop() {
        loop.stop();
        // attempts in progress may finish for a second; then they are interrupted, and a delivery whose
        // attempt did not report back is sent again when its lease runs out
        ExecutorService pool = senders;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }

    /** Turns new outbox events into deliveries; returns how many deliveries it created. */
    int fanOut() {
        return fanOut(handed.take());
    }

    /** As {@link #fanOut()}, with {@code span} as what the dispatcher handed (null: nothing). */
    int fanOut(ChangeStream.Span span) {
        return feed.followDurably(cursor, span, BATCH, events -> {
            List<Subscriber> subscribers = repo.activeSubscribers();
            int n = 0;
            for (ChangeEvent e : events) {
                String payload = null;
                for (Subscriber s : subscribers) {
                    if (matches(s, e)) {
                        payload = payload != null ? payload : json.writeValueAsString(e);
                        n += repo.insertDelivery(e.workspaceId(), s.id(), e.eventId(), e.type(), payload);
                    }
                }
            }
            return n;
        });
    }

    private static boolean matches(Subscriber s, ChangeEvent e) {
        return s.workspaceId() == e.workspaceId()
                && (s.eventTypes().isEmpty() || s.eventTypes().contains(e.type()))
                && (s.boardId() == null || s.boardId().equals(e.boardId()));
    }

    /**
     * Starts due deliveries, each on its own virtual thread, and returns without waiting for them: the
     * loop goes on fanning out new events while attempts run (each is bounded by the timeout, see
     * WebhookClient#post). At most {@link #IN_FLIGHT} attempts run at once, at most
     * {@link #PER_WORKSPACE} of them for one workspace, and the claim takes every workspace's first due
     * delivery before any workspace's second: one workspace's unanswering targets cannot take every
     * place. An attempt that ends makes room and wakes the loop.
     */
    void send() {
        int free;
        Long[] busy;
        synchronized (inFlight) {
            free = Math.min(
                    CLAIM,
                    IN_FLIGHT
                            - inFlight.values().stream()
                                    .mapToInt(Integer::intValue)
                                    .sum());
            busy = inFlight.entrySet().stream()
                    .filter(e -> e.getValue() >= PER_WORKSPACE)
                    .map(Map.Entry::getKey)
                    .toArray(Long[]::new);
        }
        if (free <= 0 || !loop.running()) {
            return;
        }
        Duration lease = timeout.multipliedBy(3);
        List<Claimed> claimed = system.write(() -> repo.claimDue(free, PER_WORKSPACE, busy, lease));
        ExecutorService pool = senders;
        for (Claimed d : claimed) {
            synchronized (inFlight) {
                inFlight.merge(d.workspaceId(), 1, Integer::sum);
            }
            pool.submit(() -> {
                try {
                    attempt(d);
                } finally {
                    synchronized (inFlight) {
                        inFlight.computeIfPresent(d.workspaceId(), (ws, n) -> n == 1 ? null : n - 1);
                    }
                    wake();
                }
            });
        }
        if (claimed.size() == free) {
            wake(); // more may be due: the next round, after the fan-out of new events
        }
    }

    /** How many attempts are running now (tests). */
    int inFlight() {
        synchronized (inFlight) {
            return inFlight.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private void attempt(Claimed d) {
        URI target = URI.create(d.url());
        Optional<String> refused = targets.refusal(target);
        Outcome outcome = refused.isPresent() ? new Outcome(null, "not sent: " + refused.get()) : post(d, target);
        if (outcome == null) {
            return; // shutting down: the lease runs out and the delivery is attempted again
        }
        if (outcome.error() == null) {
            system.write(() -> {
                repo.delivered(d.id(), outcome.code(), outcome.excerpt());
                return null;
            });
            return;
        }
        String error = outcome.error();
        Integer code = outcome.code();
        Instant next = nextAttempt(d);
        String failure = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        system.write(() -> {
            repo.attemptFailed(d.id(), code, failure, next, outcome.excerpt());
            return null;
        });
        if (next == null) {
            log.warn(
                    "webhook {} gave up on delivery {} (event {}) after {} attempts: {}",
                    d.webhookId(),
                    d.id(),
                    d.eventId(),
                    d.attempts(),
                    failure);
        }
    }

    /** POSTs the signed event; null when interrupted (shutting down). */
    private Outcome post(Claimed d, URI target) {
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        return http.post(
                target,
                Map.of(
                        "User-Agent",
                        "agent-kanban-webhooks",
                        WebhookSignature.EVENT,
                        d.eventType(),
                        WebhookSignature.EVENT_ID,
                        Long.toString(d.eventId()),
                        WebhookSignature.DELIVERY,
                        Long.toString(d.id()),
                        WebhookSignature.TIMESTAMP,
                        Long.toString(timestamp),
                        WebhookSignature.SIGNATURE,
                        WebhookSignature.sign(d.secret(), timestamp, body)),
                body);
    }

    /** Exponential backoff from the initial delay, capped; null once the retry window has passed. */
    private Instant nextAttempt(Claimed d) {
        int doublings = Math.min(d.attempts() - 1, 30);
        Duration delay = initialBackoff.multipliedBy(1L << doublings);
        if (delay.compareTo(maxBackoff) > 0 || delay.isNegative()) {
            delay = maxBackoff;
        }
        Instant next = clock.instant().plus(delay);
        return next.isAfter(d.queuedAt().plus(retryWindow)) ? null : next;
    }

    private long cursorAt(boolean lock) {
        return repo.cursor(lock);
    }

    private void moveCursor(long position) {
        repo.moveCursor(position);
    }
}
