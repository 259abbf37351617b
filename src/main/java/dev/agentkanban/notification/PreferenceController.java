package dev.agentkanban.notification;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.notification.EmailPreferences.Preferences;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The caller's own notification preferences, and the unsubscribe link of every mail, which works
 * without signing in: GET shows a page with one button (mail scanners that follow links change
 * nothing), POST (the button, or a mail client's one-click unsubscribe) turns e-mail off.
 */
@RestController
@RequestMapping("/api/v1")
class PreferenceController {

    record UpdatePreferences(@NotBlank @Size(max = 20) String email) {}

    private final EmailPreferences preferences;

    PreferenceController(EmailPreferences preferences) {
        this.preferences = preferences;
    }

    @GetMapping("/me/notification-preferences")
    Preferences get() {
        return preferences.of(preferences.userId(CurrentRequest.get().actor()));
    }

    @PutMapping("/me/notification-preferences")
    Preferences put(@Valid @RequestBody UpdatePreferences request) {
        return preferences.set(preferences.userId(CurrentRequest.get().actor()), request.email());
    }

    @GetMapping(value = "/email/unsubscribe", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> confirm(@RequestParam(required = false) String token) {
        if (!preferences.valid(token)) {
            return ResponseEntity.status(404).body(page("This unsubscribe link is not valid."));
        }
        String form = "<form method=\"post\" action=\"/api/v1/email/unsubscribe?token="
                + HtmlUtils.htmlEscape(token) + "\"><p>Stop e-mail from Agent Kanban?</p>"
                + "<button type=\"submit\">Unsubscribe</button></form>";
        return ResponseEntity.ok(page(form));
    }

    @PostMapping("/email/unsubscribe")
    Map<String, String> unsubscribe(@RequestParam(required = false) String token) {
        String username = preferences.unsubscribe(token);
        return Map.of("username", username, "email", EmailPreferences.OFF);
    }

    private static String page(String content) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Agent Kanban e-mail</title>"
                + "</head><body>" + content + "</body></html>";
    }
}
