package dev.agentkanban.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends webhook deliveries (Apache HttpClient). Its resolver is {@link WebhookTargets#addresses}: the
 * target's name is looked up once per connection, that answer is checked, and the connection goes to
 * the checked address, with the name kept for the Host header and TLS (SNI and certificate). Redirects
 * are never followed: a 3xx is a failed delivery like any other non-2xx, so a target cannot bounce the
 * request to an address that was not checked.
 */
final class WebhookClient implements AutoCloseable {

    /**
     * How one attempt went: the response code (if any), unless it was a 2xx what went wrong, and the
     * start of the response body ({@link #EXCERPT} characters at most; null without one).
     */
    record Outcome(Integer code, String error, String excerpt) {

        Outcome(Integer code, String error) {
            this(code, error, null);
        }
    }

    /** The most characters of a response body the delivery log keeps. */
    static final int EXCERPT = 500;

    /** Aborts attempts at their deadline (one daemon thread for all clients: the work is a cancel call). */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("webhook-deadlines").factory());

    private final Supplier<CloseableHttpClient> build;
    private final Duration deadline;
    // made at the first delivery, not at start (issue #19): building it loads the JDK's trust store
    private CloseableHttpClient http;
    private boolean closed;

    WebhookClient(WebhookTargets targets, Duration timeout) {
        this.deadline = timeout;
        Timeout limit = Timeout.of(timeout);
        DnsResolver checked = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return targets.addresses(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        this.build = () -> HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checked)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(limit)
                                .setSocketTimeout(limit)
                                .build())
                        .setMaxConnTotal(200)
                        .setMaxConnPerRoute(20)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(limit)
                        .setConnectionRequestTimeout(limit)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .useSystemProperties()
                .build();
    }

    /**
     * POSTs {@code body} as JSON; null when interrupted (shutting down). The whole exchange (waiting for a
     * connection, connecting, sending, reading the answer's start) has {@link #deadline}; then the
     * connection is aborted. Of the answer only the excerpt's bytes are read: a longer body is not drained
     * but cut off by closing the connection, so a target that answers slowly or without end holds an
     * attempt for the deadline at most.
     */
    Outcome post(URI target, Map<String, String> headers, byte[] body) {
        HttpPost post = new HttpPost(target);
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> abort = DEADLINES.schedule(
                () -> {
                    late.set(true);
                    post.cancel();
                },
                deadline.toNanos(),
                TimeUnit.NANOSECONDS);
        ClassicHttpResponse response = null;
        ByteArrayOutputStream start = new ByteArrayOutputStream();
        boolean whole = false;
        try {
            response = http().executeOpen(null, post, null);
            int code = response.getCode();
            whole = response.getEntity() == null || readStart(response.getEntity(), start, late);
            String excerpt = excerpt(start.toByteArray());
            if (code >= 300 && code < 400) {
                return new Outcome(code, "HTTP " + code + " (redirects are not followed)", excerpt);
            }
            return new Outcome(code, code >= 200 && code < 300 ? null : "HTTP " + code, excerpt);
        } catch (WebhookTargets.Refused e) {
            return new Outcome(null, "not sent: " + e.getMessage());
        } catch (InterruptedIOException e) {
            if (Thread.currentThread().isInterrupted()) {
                return null;
            }
            return late.get() ? overDeadline() : failure(e);
        } catch (IOException | RuntimeException e) {
            return late.get() ? overDeadline() : failure(e);
        } finally {
            abort.cancel(false);
            if (!whole) {
                post.cancel(); // aborted first, so that closing does not read the rest of the body (it may not end)
            }
            if (response != null) {
                try {
                    response.close();
                } catch (IOException ignored) {
                    // the connection was aborted: nothing left to release
                }
            }
        }
    }

    /**
     * Reads up to the excerpt's bytes of the body into {@code start}; whether that was the whole body.
     * When the deadline runs out meanwhile, what arrived by then (the answer's status has come, so the
     * attempt is judged by that).
     */
    private static boolean readStart(HttpEntity entity, ByteArrayOutputStream start, AtomicBoolean late)
            throws IOException {
        byte[] buffer = new byte[EXCERPT * 4];
        try {
            InputStream in = entity.getContent();
            while (start.size() < buffer.length) {
                int n = in.read(buffer, 0, buffer.length - start.size());
                if (n < 0) {
                    return true;
                }
                start.write(buffer, 0, n);
            }
            return false;
        } catch (IOException e) {
            if (!late.get()) {
                throw e;
            }
            return false;
        }
    }

    private Outcome overDeadline() {
        return new Outcome(null, "no complete answer within " + deadline + " (connection closed)");
    }

    private static Outcome failure(Exception e) {
        return new Outcome(null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    /** The start of a body as text: UTF-8 (malformed bytes replaced), control characters as spaces, trimmed. */
    static String excerpt(byte[] start) {
        String text = new String(start, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(Math.min(text.length(), EXCERPT));
        text.codePoints().limit(EXCERPT).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        String trimmed = out.toString().strip();
        return trimmed.isEmpty() ? null : trimmed;
    }

    private synchronized CloseableHttpClient http() {
        if (closed) {
            throw new IllegalStateException("the webhook client is closed");
        }
        if (http == null) {
            http = build.get();
        }
        return http;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (http != null) {
            http.close();
        }
    }
}
