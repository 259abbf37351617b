package dev.agentkanban.webhook;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ServiceInfo;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
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

    WebhookTargets(
            @Value("${kanban.environment:development}") String environment,
            @Value("${kanban.webhooks.allow-private-targets:false}") boolean allowPrivate) {
        this.guarded = ServiceInfo.production(environment) && !allowPrivate;
    }

    /** The URL as stored (scheme and host in lower case), or a 422 naming {@code field}. */
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
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw ApiException.invalid(field, "must be an absolute http:// or https:// URL");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw ApiException.invalid(field, "has no valid port (1 to 65535)");
        }
        if (uri.getRawUserInfo() != null) {
            // a password in the URL would be shown to every admin who lists the webhooks; the secret signs
            throw ApiException.invalid(
                    field, "must not carry a user name or password (the webhook's secret signs each delivery)");
        }
        try {
            addresses(uri.getHost());
        } catch (Refused e) {
            throw ApiException.invalid(field, e.getMessage());
        } catch (UnknownHostException e) {
            // a name that does not resolve now (no DNS here, or not yet) is taken: every delivery resolves
            // it again and checks the addresses it will connect to (refusal, addresses)
        }
        return normalised(uri);
    }

    /**
     * The URL with its scheme and host in lower case (both are case-insensitive, and the database
     * accepts only {@code http://} and {@code https://}), the rest as given.
     */
    private static String normalised(URI uri) {
        String text = uri.toString();
        int authority = uri.getScheme().length() + "://".length();
        String rest = text.substring(authority + uri.getRawAuthority().length());
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://"
                + uri.getRawAuthority().toLowerCase(Locale.ROOT) + rest;
    }

    /** Why a delivery must not go to this URL now, if it must not. */
    Optional<String> refusal(URI uri) {
        try {
            addresses(uri.getHost());
            return Optional.empty();
        } catch (Refused e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.of("host " + uri.getHost() + " does not resolve");
        }
    }

    /** A host a webhook may not call, or a name that resolves to such an address. */
    static final class Refused extends UnknownHostException {
        Refused(String reason) {
            super(reason);
        }
    }

    /**
     * The addresses of {@code host}, looked up once; in production a {@link Refused} when any of them is
     * not public. The delivery client uses this as its resolver, so the addresses checked are exactly the
     * addresses connected to: a name cannot resolve to a public address for the check and to a private
     * one for the connection (DNS rebinding).
     */
    InetAddress[] addresses(String host) throws UnknownHostException {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = InetAddress.getAllByName(name);
        if (!guarded) {
            return addresses;
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                String what = a.getHostAddress().equals(name)
                        ? host + " is"
                        : host + " resolves to " + a.getHostAddress() + ",";
                throw new Refused(
                        what
                                + " a loopback, private, link-local, reserved or otherwise non-public address; in production"
                                + " webhooks may only call public addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS=true allows others)");
            }
        }
        return addresses;
    }

    /**
     * Whether an address is reachable on the public internet rather than on this host, its networks or
     * a special-purpose range. IPv4: refused are 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12,
     * 192.0.0/24, 192.0.2/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, multicast 224/4 and the
     * reserved 240/4 (broadcast included). IPv6: loopback, unspecified, link- and site-local, unique local
     * fc00::/7, multicast, documentation 2001:db8::/32, discard 100::/64 and Teredo 2001::/32; an address
     * that embeds an IPv4 one (mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96 and
     * 64:ff9b:1::/48, 6to4 2002::/16) is judged by the IPv4 address it routes to.
     */
    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isAnyLocalAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return isPublicV4(b);
        }
        if (!(a instanceof Inet6Address)) {
            return false;
        }
        int w0 = word(b, 0);
        int w1 = word(b, 2);
        if ((b[0] & 0xfe) == 0xfc || (b[0] & 0xff) == 0xff) { // unique local fc00::/7, multicast ff00::/8
            return false;
        }
        if (w0 == 0x2001 && (w1 == 0x0db8 || w1 == 0)) { // documentation 2001:db8::/32, Teredo 2001::/32
            return false;
        }
        if (w0 == 0x0100 && w1 == 0 && word(b, 4) == 0 && word(b, 6) == 0) { // discard-only 100::/64
            return false;
        }
        if (w0 == 0x2002) { // 6to4: the IPv4 address is bits 16..47
            return isPublicV4(new byte[] {b[2], b[3], b[4], b[5]});
        }
        if (w0 == 0x0064 && w1 == 0xff9b) { // NAT64: 64:ff9b::/96 well-known, 64:ff9b:1::/48 local use
            return word(b, 4) == 0 && zero(b, 6, 12) && isPublicV4(last32(b));
        }
        if (zero(b, 0, 10)
                && (zero(b, 10, 12) || word(b, 10) == 0xffff)) { // IPv4-compatible ::/96 and mapped ::ffff:0:0/96
            return isPublicV4(last32(b));
        }
        return true;
    }

    private static boolean isPublicV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        int third = b[2] & 0xff;
        return first != 0 // "this network"
                && first != 10
                && first != 127
                && !(first == 100 && second >= 64 && second < 128) // carrier-grade NAT, 100.64.0.0/10
                && !(first == 169 && second == 254) // link-local (cloud metadata)
                && !(first == 172 && second >= 16 && second < 32)
                && !(first == 192 && second == 168)
                && !(first == 192 && second == 0 && (third == 0 || third == 2)) // IETF assignments, TEST-NET-1
                && !(first == 198 && (second == 18 || second == 19)) // benchmarking 198.18.0.0/15
                && !(first == 198 && second == 51 && third == 100) // TEST-NET-2
                && !(first == 203 && second == 0 && third == 113) // TEST-NET-3
                && first < 224; // multicast 224/4, reserved 240/4 and broadcast
    }

    private static int word(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] last32(byte[] b) {
        return new byte[] {b[12], b[13], b[14], b[15]};
    }
}
