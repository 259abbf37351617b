package dev.agentkanban.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
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

    private final Supplier<CloseableHttpClient> build;
    // made at the first delivery, not at start (issue #19): building it loads the JDK's trust store
    private CloseableHttpClient http;
    private boolean closed;

    WebhookClient(WebhookTargets targets, Duration timeout) {
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

    /** POSTs {@code body} as JSON; null when interrupted (shutting down). */
    Outcome post(URI target, Map<String, String> headers, byte[] body) {
        HttpPost post = new HttpPost(target);
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        try {
            String[] excerpt = new String[1];
            int code = http().execute(post, response -> {
                if (response.getEntity() != null) {
                    // only the start is read into memory, however long the answer
                    try (InputStream in = response.getEntity().getContent()) {
                        excerpt[0] = excerpt(in.readNBytes(EXCERPT * 4));
                    }
                }
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
            if (code >= 300 && code < 400) {
                return new Outcome(code, "HTTP " + code + " (redirects are not followed)", excerpt[0]);
            }
            return new Outcome(code, code >= 200 && code < 300 ? null : "HTTP " + code, excerpt[0]);
        } catch (WebhookTargets.Refused e) {
            return new Outcome(null, "not sent: " + e.getMessage());
        } catch (InterruptedIOException e) {
            if (Thread.currentThread().isInterrupted()) {
                return null;
            }
            return new Outcome(
                    null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            return new Outcome(
                    null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
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
