package dev.agentkanban.webhook;

import dev.agentkanban.platform.ApiException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where webhooks may send to. A URL is absolute {@code http} or {@code https} with a host. In
 * production ({@code ENVIRONMENT=production}) the host must also resolve only to public addresses:
 * a webhook must not make the server call its own loopback, the private network it sits in, a
 * link-local address (cloud metadata services live at 169.254.169.254) or an unspecified one, unless
 * {@code WEBHOOK_ALLOW_PRIVATE_TARGETS=true}. Outside production every target is allowed, so that
 * local receivers on 127.0.0.1 work.
 *
 * <p>Checked when a webhook is created or its URL changed (422 naming {@code url}) and again before
 * each delivery, since a name can resolve elsewhere later; redirects are never followed.
 */
@Component
class WebhookTargets {

    private final boolean guarded;

    WebhookTargets(@Value("${kanban.environment:development}") String environment,
            @Value("${kanban.webhooks.allow-private-targets:false}") boolean allowPrivate) {
        boolean production = "production".equalsIgnoreCase(environment) || "prod".equalsIgnoreCase(environment);
        this.guarded = production && !allowPrivate;
    }

    /** The URL as stored, or a 422 naming {@code field}. */
    String require(String field, String url) {
        if (url == null || url.isBlank()) {
            throw ApiException.invalid(field, "must not be blank");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ApiException.invalid(field, "is not a valid URL");
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            throw ApiException.invalid(field, "must be an absolute http:// or https:// URL");
        }
        refusal(uri).ifPresent(reason -> {
            throw ApiException.invalid(field, reason);
        });
        return uri.toString();
    }

    /** Why a delivery must not go to this URL now, if it must not. */
    Optional<String> refusal(URI uri) {
        if (!guarded) {
            return Optional.empty();
        }
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return Optional.of("host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                String what = a.getHostAddress().equals(host) ? host + " is" : host + " resolves to " + a.getHostAddress() + ",";
                return Optional.of(what + " a loopback, private, link-local or unspecified address; in production webhooks"
                        + " may only call public addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS=true allows others)");
            }
        }
        return Optional.empty();
    }

    /** Whether an address is reachable on the public internet rather than on this host or its networks. */
    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0 // "this network"
                    && !(first == 100 && second >= 64 && second < 128); // carrier-grade NAT, 100.64.0.0/10
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) { // unique local, fc00::/7
                return false;
            }
            boolean v4Mapped = true; // ::ffff:a.b.c.d
            for (int i = 0; i < 10; i++) {
                v4Mapped &= b[i] == 0;
            }
            if (v4Mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException impossible) {
                    return false;
                }
            }
        }
        return true;
    }
}
