package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The security log for admins: a system admin reads every entry (optionally one workspace's), a
 * workspace admin only the entries of the workspace they act in. Export as CSV or JSON.
 */
@RestController
@RequestMapping("/api/v1/security/audit")
class SecurityLogController {

    static final int EXPORT_MAX = 100_000;
    private static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final SecurityLog securityLog;

    SecurityLogController(SecurityLog securityLog) {
        this.securityLog = securityLog;
    }

    @GetMapping
    Page<SecurityLog.Entry> list(
            @RequestParam(required = false) String action,
            @RequestParam(name = "user_id", required = false) Long userId,
            @RequestParam(name = "workspace_id", required = false) Long workspaceId,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return securityLog.list(filter(action, userId, workspaceId, since, until), PageRequest.of(limit, offset));
    }

    @GetMapping("/export")
    ResponseEntity<?> export(
            @RequestParam(required = false) String format,
            @RequestParam(required = false) String action,
            @RequestParam(name = "user_id", required = false) Long userId,
            @RequestParam(name = "workspace_id", required = false) Long workspaceId,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until) {
        String f = format == null ? "json" : format.trim().toLowerCase();
        if (!f.equals("json") && !f.equals("csv")) {
            throw ApiException.invalid("format", "must be json or csv");
        }
        var entries = securityLog.export(filter(action, userId, workspaceId, since, until), EXPORT_MAX);
        String name = "security-log." + f;
        var ok = ResponseEntity.ok().header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        return f.equals("csv") ? ok.contentType(TEXT_CSV).body(SecurityLog.csv(entries)) : ok.body(entries);
    }

    private static SecurityLog.Filter filter(String action, Long userId, Long workspaceId, String since, String until) {
        Caller caller = CurrentCaller.get();
        Long workspace = workspaceId;
        if (!caller.systemAdmin()) {
            RequestContext ctx = CurrentRequest.orNull();
            if (ctx == null || ctx.role() != Role.ADMIN) {
                throw Roles.forbidden("the security log is for admins");
            }
            if (workspaceId != null && workspaceId != ctx.workspaceId()) {
                throw Roles.forbidden("a workspace admin reads their own workspace's entries only");
            }
            workspace = ctx.workspaceId();
        }
        if (action != null && (action.isBlank() || action.length() > 100)) {
            throw ApiException.invalid("action", "must be 1-100 characters");
        }
        return new SecurityLog.Filter(
                action == null ? null : action.trim(),
                userId,
                workspace,
                SecurityLog.instant("since", since),
                SecurityLog.instant("until", until));
    }
}
