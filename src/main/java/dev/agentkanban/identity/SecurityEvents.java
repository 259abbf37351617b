package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The security log as other features write to it: changes a workspace admin must be able to trace,
 * such as where the workspace's events are sent (webhooks). Rows go into {@code identity_audit} next to
 * {@code token_created} and {@code member_added}, in the running transaction.
 */
@Component
public class SecurityEvents {

    private final SecurityLog log;

    SecurityEvents(SecurityLog log) {
        this.log = log;
    }

    /**
     * Records {@code action} with {@code detail} for the running request's workspace, done by its
     * caller (no actor when nobody signed in is behind it).
     */
    public void record(String action, Map<String, ?> detail) {
        Long actor;
        try {
            actor = CurrentCaller.get().userId();
        } catch (ApiException nobodySignedIn) {
            actor = null;
        }
        log.record(actor, action, null, CurrentRequest.get().workspaceId(), detail);
    }
}
