package dev.agentkanban.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who may call each API route: one line per route (method and pattern exactly as the controller maps
 * it), read by {@link RouteAccess} before the handler runs. A route missing here is refused (403) and
 * fails {@code AuthorizationMatrixTest}, so a new endpoint cannot ship without a declared rule.
 *
 * <p>A rule is the token scope the route needs ({@link Scope}: {@code read} is any credential,
 * {@code write} also {@code admin}), and what it acts on ({@link On}) with the lowest role allowed
 * there. The role a credential exercises is its membership role capped by its scopes (read: viewer,
 * write: member, admin: admin).
 */
final class RouteRules {

    /** The scope a route needs: each includes the ones before it. */
    enum Scope {
        PUBLIC,
        READ,
        WRITE,
        ADMIN;

        boolean grantedBy(Caller caller) {
            return switch (this) {
                case PUBLIC, READ -> true;
                case WRITE -> caller.mayWrite();
                case ADMIN -> caller.scopes().contains("admin");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /** What a route acts on, and so where its role is checked. */
    enum On {
        /** Nothing: anyone may call it (health, sign-in). */
        NOTHING,
        /** The caller's own account and credentials: no role needed. */
        SELF,
        /** The request's workspace (X-Workspace-Id or the default one): checked here, before the handler. */
        WORKSPACE,
        /** The workspace in the path ({@code /workspaces/{id}}): the handler checks the role there (404 to non-members, as if missing). */
        NAMED_WORKSPACE,
        /** Users: an admin of the request's workspace or a system admin (checked here); the handler narrows further. */
        USERS
    }

    record Rule(Scope scope, On on, Role role) {}

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        open(
                "GET /api/v1/health",
                "GET /api/v1/health/simple",
                "GET /api/v1/status",
                "GET /api/health",
                "GET /api/health/",
                "GET /api/health/simple",
                "GET /api/status",
                "POST /api/v1/auth/login",
                "POST /api/v1/auth/session",
                "GET /api/v1/auth/sso",
                "POST /api/v1/auth/sso/exchange",
                "GET /api/v1/email/unsubscribe",
                "POST /api/v1/email/unsubscribe");
        self(
                Scope.READ,
                "GET /api/v1/auth/me",
                "GET /api/v1/auth/session",
                "POST /api/v1/auth/logout",
                "POST /api/v1/auth/renew",
                "GET /api/v1/tokens",
                // a read token may revoke itself; revoking another token needs write (Identities.revokeToken)
                "DELETE /api/v1/tokens/{id}",
                "GET /api/v1/workspaces");
        // minting a token: a read-only credential cannot (its scopes bound the new token's, Identities.createToken)
        self(Scope.WRITE, "POST /api/v1/tokens");
        self(Scope.ADMIN, "POST /api/v1/workspaces", "PATCH /api/v1/users/{id}");
        self(Scope.READ, "GET /api/v1/invitations");
        self(Scope.READ, "GET /api/v1/me/notification-preferences");
        self(Scope.WRITE, "PUT /api/v1/me/notification-preferences");
        self(Scope.WRITE, "POST /api/v1/invitations/{id}/accept");

        named(Scope.READ, Role.VIEWER, "GET /api/v1/workspaces/{id}", "GET /api/v1/workspaces/{id}/members");
        named(
                Scope.ADMIN,
                Role.ADMIN,
                "PATCH /api/v1/workspaces/{id}",
                "DELETE /api/v1/workspaces/{id}",
                "POST /api/v1/workspaces/{id}/members",
                "PUT /api/v1/workspaces/{id}/members/{userId}",
                "PATCH /api/v1/workspaces/{id}/members/{userId}",
                "DELETE /api/v1/workspaces/{id}/members/{userId}");

        rule(
                "GET /api/v1/users",
                Scope.READ,
                On.SELF,
                Role.VIEWER); // lists the users who share a workspace with the caller
        rule("GET /api/v1/users/{id}", Scope.READ, On.SELF, Role.VIEWER);
        rule("POST /api/v1/users", Scope.ADMIN, On.USERS, Role.ADMIN);
        rule("DELETE /api/v1/users/{id}", Scope.ADMIN, On.USERS, Role.ADMIN);

        workspace(
                Scope.READ,
                Role.VIEWER,
                "GET /api/v1/boards",
                "GET /api/v1/boards/{id}",
                "GET /api/v1/boards/{id}/columns",
                "GET /api/v1/boards/{id}/columns/{columnId}",
                "GET /api/v1/boards/{id}/tasks",
                "GET /api/v1/boards/{id}/tickets",
                "GET /api/v1/tasks",
                "GET /api/v1/tasks/{id}",
                // seed 002's name for a task
                "GET /api/v1/tickets",
                "GET /api/v1/tickets/{id}",
                "GET /api/v1/priorities",
                "GET /api/v1/tasks/{taskId}/history",
                "GET /api/v1/history/tasks/{taskId}/history",
                "GET /api/v1/history/tickets/{taskId}/history",
                "GET /api/v1/tasks/{taskId}/transitions",
                "GET /api/v1/history/tasks/{taskId}/transitions",
                "GET /api/v1/history/tickets/{taskId}/transitions",
                "GET /api/v1/boards/{boardId}/activity",
                "GET /api/v1/history/boards/{boardId}/activity",
                "GET /api/v1/history/stats",
                "GET /api/v1/stats",
                "GET /api/v1/boards/{boardId}/statistics",
                "GET /api/v1/statistics/boards/{boardId}/statistics",
                "GET /api/v1/stats/time-in-column",
                "GET /api/v1/tasks/{taskId}/hints",
                "GET /api/v1/hints/{id}",
                "GET /api/v1/events",
                "GET /api/v1/tags",
                "GET /api/v1/tags/{id}",
                "GET /api/v1/tasks/{taskId}/tags",
                "GET /api/v1/tasks/{taskId}/evidence",
                "GET /api/v1/evidence/{id}",
                "GET /api/v1/evidence/{id}/content",
                "GET /api/v1/tasks/{taskId}/comments",
                "GET /api/v1/comments/ticket/{taskId}",
                "GET /api/v1/comments/task/{taskId}",
                "GET /api/v1/comments/{id}",
                "GET /api/v1/export/todo-md",
                "GET /api/v1/export/csv",
                "GET /api/v1/export/json");
        // archive and trash (issue 17): members restore, admins purge early
        workspace(Scope.READ, Role.VIEWER, "GET /api/v1/trash");
        workspace(
                Scope.WRITE,
                Role.MEMBER,
                "POST /api/v1/boards/{id}/columns/{columnId}/archive",
                "POST /api/v1/boards/{id}/archive",
                "POST /api/v1/boards/{id}/restore");
        workspace(Scope.ADMIN, Role.ADMIN, "DELETE /api/v1/trash/{id}", "DELETE /api/v1/trash");
        // board templates (issue 17)
        workspace(Scope.READ, Role.VIEWER, "GET /api/v1/templates", "GET /api/v1/templates/{id}");
        workspace(
                Scope.WRITE,
                Role.MEMBER,
                "POST /api/v1/templates/{id}/boards",
                "POST /api/v1/boards/{id}/template",
                "DELETE /api/v1/templates/{id}");
        // automation rules (issue 15): everyone who reads the board reads its rules and their runs; those
        // who manage the board (members, admins) write them, since a rule acts on the board by itself
        workspace(
                Scope.READ,
                Role.VIEWER,
                "GET /api/v1/boards/{id}/rules",
                "GET /api/v1/boards/{id}/rules/{ruleId}",
                "GET /api/v1/boards/{id}/rules/{ruleId}/runs");
        workspace(
                Scope.WRITE,
                Role.MEMBER,
                "POST /api/v1/boards/{id}/rules",
                "PATCH /api/v1/boards/{id}/rules/{ruleId}",
                "DELETE /api/v1/boards/{id}/rules/{ruleId}");
        // custom fields (issue 17): members define them, everyone reads them
        workspace(Scope.READ, Role.VIEWER, "GET /api/v1/boards/{id}/fields");
        workspace(
                Scope.WRITE,
                Role.MEMBER,
                "POST /api/v1/boards/{id}/fields",
                "PATCH /api/v1/fields/{id}",
                "DELETE /api/v1/fields/{id}");
        // saved views (issue 17): everyone who reads a board keeps their own; the service checks ownership
        workspace(Scope.READ, Role.VIEWER, "GET /api/v1/boards/{id}/views");
        workspace(
                Scope.WRITE,
                Role.VIEWER,
                "POST /api/v1/boards/{id}/views",
                "PATCH /api/v1/views/{id}",
                "DELETE /api/v1/views/{id}");
        // work breakdown (issue 14): relations and checklists
        workspace(Scope.READ, Role.VIEWER, "GET /api/v1/tasks/{id}/relations", "GET /api/v1/tasks/{id}/checklist");
        workspace(
                Scope.WRITE,
                Role.AGENT,
                "POST /api/v1/tasks/{id}/relations",
                "DELETE /api/v1/tasks/{id}/relations",
                "POST /api/v1/tasks/{id}/checklist",
                "PATCH /api/v1/tasks/{id}/checklist/{itemId}",
                "DELETE /api/v1/tasks/{id}/checklist/{itemId}",
                "POST /api/v1/tasks/{id}/checklist/{itemId}/move",
                "POST /api/v1/tasks/{id}/checklist/{itemId}/convert");
        // analytics (docs/analytics.md) and seed 002's statistics, with their seed-style aliases
        workspace(
                Scope.READ,
                Role.VIEWER,
                "GET /api/v1/analytics/boards/{boardId}/performance",
                "GET /api/v1/statistics/boards/{boardId}/performance",
                "GET /api/v1/analytics/boards/{boardId}/flow",
                "GET /api/v1/analytics/boards/{boardId}/flow/cumulative_flow",
                "GET /api/v1/analytics/boards/{boardId}/flow/wip",
                "GET /api/v1/analytics/boards/{boardId}/flow/throughput_daily",
                "GET /api/v1/analytics/boards/{boardId}/flow/throughput_weekly",
                "GET /api/v1/analytics/boards/{boardId}/flow/completed",
                "GET /api/v1/analytics/boards/{boardId}/flow/percentiles",
                "GET /api/v1/analytics/boards/{boardId}/flow/aging_wip",
                "GET /api/v1/analytics/boards/{boardId}/forecast",
                "GET /api/v1/analytics/boards/{boardId}/burnup",
                "GET /api/v1/tasks/{taskId}/statistics",
                "GET /api/v1/statistics/tasks/{taskId}/statistics",
                "GET /api/v1/statistics/tickets/{taskId}/statistics",
                "GET /api/v1/boards/{boardId}/tasks/colors",
                "GET /api/v1/statistics/boards/{boardId}/tasks/colors",
                "GET /api/v1/statistics/boards/{boardId}/tickets/colors",
                "GET /api/v1/boards/{boardId}/drag-drop/metrics",
                "GET /api/v1/statistics/boards/{boardId}/drag-drop/metrics",
                "GET /api/v1/bulk/operations/status");
        workspace(
                Scope.WRITE,
                Role.AGENT,
                "POST /api/v1/tasks",
                "PATCH /api/v1/tasks/{id}",
                "PUT /api/v1/tasks/{id}",
                "DELETE /api/v1/tasks/{id}",
                "POST /api/v1/tasks/{id}/move",
                "POST /api/v1/tickets",
                "PATCH /api/v1/tickets/{id}",
                "PUT /api/v1/tickets/{id}",
                "DELETE /api/v1/tickets/{id}",
                "POST /api/v1/tickets/{id}/move",
                "POST /api/v1/tasks/{id}/start",
                "POST /api/v1/tasks/{id}/complete",
                "POST /api/v1/tasks/{id}/cancel",
                "POST /api/v1/tasks/{id}/reopen",
                "POST /api/v1/tasks/{id}/claim",
                "POST /api/v1/tasks/{id}/renew",
                "POST /api/v1/tasks/claim-next",
                "POST /api/v1/tasks/report-issue",
                "POST /api/v1/tasks/{id}/release",
                "POST /api/v1/tasks/{id}/archive",
                "POST /api/v1/tasks/{id}/restore",
                "POST /api/v1/bulk/tasks/move",
                "POST /api/v1/bulk/tasks/priority",
                "POST /api/v1/bulk/tasks/assign",
                "POST /api/v1/bulk/tickets/move",
                "POST /api/v1/bulk/tickets/priority",
                "POST /api/v1/bulk/tickets/assign",
                "POST /api/v1/tasks/{taskId}/hints",
                "POST /api/v1/hints/{id}/apply",
                "POST /api/v1/hints/{id}/dismiss",
                "PUT /api/v1/events/progress",
                "POST /api/v1/tags",
                "PATCH /api/v1/tags/{id}",
                "DELETE /api/v1/tags/{id}",
                "POST /api/v1/tasks/{taskId}/tags",
                "PUT /api/v1/tasks/{taskId}/tags",
                "DELETE /api/v1/tasks/{taskId}/tags/{tagId}",
                "POST /api/v1/tasks/{taskId}/evidence",
                "DELETE /api/v1/evidence/{id}",
                "POST /api/v1/tasks/{taskId}/comments",
                "POST /api/v1/comments",
                "PATCH /api/v1/comments/{id}",
                "PUT /api/v1/comments/{id}",
                "DELETE /api/v1/comments/{id}");
        workspace(
                Scope.WRITE,
                Role.MEMBER,
                "POST /api/v1/boards",
                "PUT /api/v1/boards/{id}",
                "PATCH /api/v1/boards/{id}",
                "DELETE /api/v1/boards/{id}",
                "PUT /api/v1/boards/{id}/columns",
                "POST /api/v1/boards/{id}/columns",
                "PATCH /api/v1/boards/{id}/columns/{columnId}",
                "DELETE /api/v1/boards/{id}/columns/{columnId}",
                "POST /api/v1/import/todo-md",
                "POST /api/v1/import/csv",
                "POST /api/v1/import/json",
                "POST /api/v1/import/trello");
        // how far a running import is (issue 17): its starter's and the admins' (the handler narrows)
        workspace(Scope.READ, Role.VIEWER, "GET /api/v1/import/progress/{id}");
        // people in the loop (issue 15): assignees, watchers, the inbox
        workspace(Scope.READ, Role.VIEWER, "GET /api/v1/tasks/{id}/assignees");
        workspace(
                Scope.WRITE,
                Role.AGENT,
                "PUT /api/v1/tasks/{id}/assignees",
                "POST /api/v1/tasks/{id}/assignees",
                "DELETE /api/v1/tasks/{id}/assignees/{userId}");
        workspace(
                Scope.READ,
                Role.VIEWER,
                "GET /api/v1/notifications",
                "GET /api/v1/notifications/unread-count",
                "GET /api/v1/tasks/{id}/watchers");
        workspace(
                Scope.WRITE,
                Role.VIEWER,
                "POST /api/v1/notifications/{id}/read",
                "POST /api/v1/notifications/read-all",
                "PUT /api/v1/tasks/{id}/watchers/me",
                "DELETE /api/v1/tasks/{id}/watchers/me");
        workspace(
                Scope.READ,
                Role.ADMIN,
                "GET /api/v1/webhooks",
                "GET /api/v1/webhooks/{id}",
                "GET /api/v1/webhooks/{id}/deliveries");
        workspace(
                Scope.ADMIN,
                Role.ADMIN,
                "POST /api/v1/webhooks",
                "PATCH /api/v1/webhooks/{id}",
                "DELETE /api/v1/webhooks/{id}",
                "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver");

        // sign-in for organisations: the caller's sessions and second factor, a workspace's two-factor
        // requirement, the security log (a workspace admin reads their workspace's entries only)
        self(Scope.READ, "GET /api/v1/auth/sessions", "GET /api/v1/auth/two-factor");
        // ending sessions changes the account's security, like a password change: a read-only token may not
        self(Scope.ADMIN, "DELETE /api/v1/auth/sessions", "DELETE /api/v1/auth/sessions/{id}");
        self(
                Scope.ADMIN,
                "POST /api/v1/auth/two-factor/enrolment",
                "POST /api/v1/auth/two-factor/confirm",
                "POST /api/v1/auth/two-factor/disable");
        named(Scope.READ, Role.VIEWER, "GET /api/v1/workspaces/{id}/two-factor");
        named(Scope.ADMIN, Role.ADMIN, "PUT /api/v1/workspaces/{id}/two-factor");
        named(
                Scope.ADMIN,
                Role.ADMIN,
                "POST /api/v1/workspaces/{id}/invitation-links",
                "GET /api/v1/workspaces/{id}/invitation-links",
                "DELETE /api/v1/workspaces/{id}/invitation-links/{invitationId}");
        open("POST /api/v1/invitations/link/info", "POST /api/v1/invitations/link/redeem");
        self(Scope.WRITE, "POST /api/v1/invitations/link/accept");
        rule("GET /api/v1/security/audit", Scope.ADMIN, On.USERS, Role.ADMIN);
        rule("GET /api/v1/security/audit/export", Scope.ADMIN, On.USERS, Role.ADMIN);
    }

    /** Routes for a person's signed-in session only, never an API token: managing their second factor. */
    private static final java.util.Set<String> SIGNED_IN_ONLY = java.util.Set.of(
            "POST /api/v1/auth/two-factor/enrolment",
            "POST /api/v1/auth/two-factor/confirm",
            "POST /api/v1/auth/two-factor/disable");

    static boolean signedInOnly(String method, String pattern) {
        return SIGNED_IN_ONLY.contains(method + " " + pattern);
    }

    /**
     * What a person's session signed in without the second factor a workspace it reaches requires may
     * still do (RouteAccess refuses it everything else that could reach that workspace): see itself and
     * its credentials, enrol, end sessions and tokens, sign out.
     */
    private static final java.util.Set<String> WITHOUT_REQUIRED_SECOND_FACTOR = java.util.Set.of(
            "GET /api/v1/auth/me",
            "GET /api/v1/auth/session",
            "POST /api/v1/auth/logout",
            "GET /api/v1/auth/two-factor",
            "POST /api/v1/auth/two-factor/enrolment",
            "POST /api/v1/auth/two-factor/confirm",
            "GET /api/v1/auth/sessions",
            "DELETE /api/v1/auth/sessions",
            "DELETE /api/v1/auth/sessions/{id}",
            "GET /api/v1/tokens",
            "DELETE /api/v1/tokens/{id}",
            "GET /api/v1/workspaces",
            "GET /api/v1/workspaces/{id}/two-factor");

    static boolean withoutRequiredSecondFactor(String method, String pattern) {
        return WITHOUT_REQUIRED_SECOND_FACTOR.contains(method + " " + pattern);
    }

    private RouteRules() {}

    /** The rule of a route, by its method and the pattern it was matched with. */
    static Optional<Rule> of(String method, String pattern) {
        return Optional.ofNullable(RULES.get(method + " " + pattern));
    }

    /** Every declared rule, keyed "METHOD pattern" (for the authorization matrix). */
    static Map<String, Rule> all() {
        return Map.copyOf(RULES);
    }

    private static void open(String... routes) {
        for (String r : routes) {
            rule(r, Scope.PUBLIC, On.NOTHING, Role.VIEWER);
        }
    }

    private static void self(Scope scope, String... routes) {
        for (String r : routes) {
            rule(r, scope, On.SELF, Role.VIEWER);
        }
    }

    private static void named(Scope scope, Role role, String... routes) {
        for (String r : routes) {
            rule(r, scope, On.NAMED_WORKSPACE, role);
        }
    }

    private static void workspace(Scope scope, Role role, String... routes) {
        for (String r : routes) {
            rule(r, scope, On.WORKSPACE, role);
        }
    }

    private static void rule(String route, Scope scope, On on, Role role) {
        if (RULES.put(route, new Rule(scope, on, role)) != null) {
            throw new IllegalStateException("two rules for " + route);
        }
    }
}
