package dev.agentkanban.notification;

import dev.agentkanban.platform.ApiException;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Each person's notification preferences (issue 15): e-mail {@code off}, {@code instant} (the
 * default) or {@code digest}. They are the person's own, across workspaces; the profile page and the
 * unsubscribe link of every mail change them. Each change is one statement.
 */
@Service
public class EmailPreferences {

    /** What {@code GET /api/v1/me/notification-preferences} answers. */
    public record Preferences(String email, String emailAddress, boolean emailEnabled, int digestMinutes) {}

    static final String OFF = "off";
    static final String INSTANT = "instant";
    static final String DIGEST = "digest";

    private final JdbcClient jdbc;
    private final UnsubscribeTokens tokens;
    private final EmailSettings settings;

    EmailPreferences(JdbcClient jdbc, UnsubscribeTokens tokens, EmailSettings settings) {
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.settings = settings;
    }

    /** The signed-in caller's user id, from their username (the request's actor). */
    public long userId(String username) {
        return jdbc.sql("select id from users where username = :u")
                .param("u", username)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> ApiException.notFound("user", username));
    }

    public Preferences of(long userId) {
        Map<String, Object> row = jdbc.sql("""
                select u.email as address, coalesce(p.email, 'instant') as email
                from users u left join notification_preferences p on p.user_id = u.id where u.id = :id
                """).param("id", userId).query().singleRow();
        return new Preferences(
                (String) row.get("email"), (String) row.get("address"), settings.enabled(), settings.digestMinutes());
    }

    public Preferences set(long userId, String email) {
        String wanted = email == null ? null : email.strip().toLowerCase(Locale.ROOT);
        if (!OFF.equals(wanted) && !INSTANT.equals(wanted) && !DIGEST.equals(wanted)) {
            throw ApiException.invalid("email", "must be one of off, instant, digest");
        }
        store(userId, wanted);
        return of(userId);
    }

    /** The unsubscribe link's effect: e-mail off for the person the token names (404 for a bad token). */
    public String unsubscribe(String token) {
        OptionalLong user = tokens.verify(token);
        if (user.isEmpty()) {
            throw ApiException.notFound("unsubscribe link", "given");
        }
        store(user.getAsLong(), OFF);
        return jdbc.sql("select username from users where id = :id")
                .param("id", user.getAsLong())
                .query(String.class)
                .optional()
                .orElseThrow(() -> ApiException.notFound("unsubscribe link", "given"));
    }

    /** Whether the token is a valid unsubscribe token (for the confirmation page). */
    boolean valid(String token) {
        return tokens.verify(token).isPresent();
    }

    private void store(long userId, String email) {
        jdbc.sql("""
                insert into notification_preferences (user_id, email) select :id, :email
                where exists (select 1 from users where id = :id)
                on conflict (user_id) do update set email = excluded.email, updated_at = now()
                """).param("id", userId).param("email", email).update();
    }
}
