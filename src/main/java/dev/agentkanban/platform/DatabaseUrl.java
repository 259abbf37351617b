package dev.agentkanban.platform;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A database location as users write it: either the seeds' {@code postgresql://user:pass@host:port/db}
 * (also {@code postgres://}) or a JDBC URL. Credentials embedded in the URL are split out because the
 * PostgreSQL JDBC driver does not read them from the authority part. Special characters in the user
 * or password are percent-encoded ({@code p%40ss} is {@code p@ss}); a {@code +} stays a plus.
 *
 * <p>Error messages never repeat the URL, because it may carry a password.
 */
public record DatabaseUrl(String jdbcUrl, String username, String password) {

    private static final String FORMS =
            "expected postgresql://user:password@host:port/database, postgres://... or jdbc:postgresql://...";

    public static DatabaseUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("database URL is empty; " + FORMS);
        }
        String url = raw.trim();
        if (url.startsWith("jdbc:")) {
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("database URL is not a PostgreSQL JDBC URL; " + FORMS);
            }
            return new DatabaseUrl(url, null, null);
        }
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new IllegalArgumentException("database URL has an unsupported scheme; " + FORMS);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("database URL is malformed (percent-encode special characters"
                    + " in the user and password, e.g. @ as %40); " + FORMS);
        }
        if (uri.getRawAuthority() != null && uri.getHost() == null) {
            // java.net.URI falls back to a "registry" authority when it cannot read user@host:port
            throw new IllegalArgumentException("database URL has no readable host (percent-encode special"
                    + " characters in the user and password, e.g. @ as %40); " + FORMS);
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null
                        || uri.getRawPath().isEmpty()
                        || uri.getRawPath().equals("/")
                ? "/postgres"
                : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl("jdbc:postgresql://" + host + ":" + port + path + query, user, password);
    }

    /** Percent-decoding only: in a URL's user-info a {@code +} is a plus, not a space. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The JDBC URL to show: a password among its parameters ({@code ?user=u&password=p}) masked. */
    public String forLog() {
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return jdbcUrl;
        }
        StringBuilder out = new StringBuilder(jdbcUrl.substring(0, query + 1));
        String[] parameters = jdbcUrl.substring(query + 1).split("&", -1);
        for (int i = 0; i < parameters.length; i++) {
            String p = parameters[i];
            out.append(i == 0 ? "" : "&")
                    .append(p.toLowerCase(java.util.Locale.ROOT).startsWith("password=") ? "password=******" : p);
        }
        return out.toString();
    }

    /** Never prints the password (this record ends up in logs and exception messages). */
    @Override
    public String toString() {
        return "DatabaseUrl[jdbcUrl=" + forLog() + ", username=" + username + ", password="
                + (password == null ? "null" : "******") + "]";
    }
}
