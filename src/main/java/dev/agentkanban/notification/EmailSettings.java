package dev.agentkanban.notification;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

/**
 * Where mail goes (issue 15): {@code SMTP_URL} ({@code smtp://user:password@host:port}, or
 * {@code smtps://} for TLS on connect; {@code ?starttls=true} to require STARTTLS), else Spring Boot's
 * own {@code spring.mail.*} settings; with neither, e-mail is off. {@code EMAIL_FROM} is the sender,
 * {@code PUBLIC_URL} the address the links in a mail point to, {@code EMAIL_DIGEST_MINUTES} the
 * shortest time between two digests of one person.
 */
@Component
class EmailSettings {

    private final JavaMailSender sender;
    private final String from;
    private final String publicUrl;
    private final int digestMinutes;

    EmailSettings(
            ObjectProvider<JavaMailSender> configured,
            @Value("${SMTP_URL:${kanban.email.smtp-url:}}") String smtpUrl,
            @Value("${EMAIL_FROM:${kanban.email.from:agent-kanban@localhost}}") String from,
            @Value("${PUBLIC_URL:${kanban.public-url:http://localhost:8080}}") String publicUrl,
            @Value("${EMAIL_DIGEST_MINUTES:${kanban.email.digest-minutes:60}}") int digestMinutes) {
        this.sender = smtpUrl == null || smtpUrl.isBlank() ? configured.getIfAvailable() : fromUrl(smtpUrl.strip());
        this.from = from;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        if (digestMinutes < 1) {
            throw new IllegalArgumentException("EMAIL_DIGEST_MINUTES must be at least 1, not " + digestMinutes);
        }
        this.digestMinutes = digestMinutes;
    }

    static JavaMailSenderImpl fromUrl(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
            throw new IllegalArgumentException("SMTP_URL must start with smtp:// or smtps://");
        }
        JavaMailSenderImpl s = new JavaMailSenderImpl();
        s.setProtocol(scheme);
        s.setHost(uri.getHost());
        s.setPort(uri.getPort() > 0 ? uri.getPort() : scheme.equals("smtps") ? 465 : 25);
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            s.setUsername(URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8));
            if (colon >= 0) {
                s.setPassword(URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8));
            }
        }
        Properties props = s.getJavaMailProperties();
        props.put("mail." + scheme + ".auth", String.valueOf(info != null));
        props.put("mail." + scheme + ".connectiontimeout", "10000");
        props.put("mail." + scheme + ".timeout", "10000");
        props.put("mail." + scheme + ".writetimeout", "10000");
        if (uri.getRawQuery() != null && uri.getRawQuery().contains("starttls=true")) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        return s;
    }

    boolean enabled() {
        return sender != null;
    }

    JavaMailSender sender() {
        return sender;
    }

    String from() {
        return from;
    }

    String publicUrl() {
        return publicUrl;
    }

    int digestMinutes() {
        return digestMinutes;
    }
}
