package dev.agentkanban.identity;

import dev.agentkanban.identity.RouteRules.On;
import dev.agentkanban.identity.RouteRules.Rule;
import dev.agentkanban.identity.RouteRules.Scope;
import dev.agentkanban.platform.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Applies {@link RouteRules} to every API request before its handler runs: the credential must carry
 * the route's scope, and the caller must hold the route's role where it acts. A route without a rule
 * is refused: access is never granted by omission.
 */
@Configuration
class RouteAccess implements HandlerInterceptor, WebMvcConfigurer {

    private static final int TOUCHED_MAX = 100_000;

    private final SignInRepository signIns;
    private final CallerAccess access;
    /** When each session's last use was written (at most once a minute per session). */
    private final java.util.Map<String, Long> touched = new java.util.concurrent.ConcurrentHashMap<>();

    RouteAccess(SignInRepository signIns, CallerAccess access) {
        this.signIns = signIns;
        this.access = access;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod)) {
            return true;
        }
        if (request.getMethod().equals("OPTIONS")) {
            return true; // answered by Spring itself: which methods the route has
        }
        String method = request.getMethod().equals("HEAD") ? "GET" : request.getMethod();
        String pattern = (String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        Rule rule = RouteRules.of(method, pattern)
                .orElseThrow(() -> Roles.forbidden("no access rule is declared for " + method + " " + pattern));
        if (rule.scope() == Scope.PUBLIC) {
            return true;
        }
        Caller caller = CurrentCaller.get();
        if (!rule.scope().grantedBy(caller)) {
            throw Roles.forbidden("this needs a credential with the '" + rule.scope() + "' scope; yours has "
                    + caller.scopes().stream().sorted().toList());
        }
        RequestContext ctx = CurrentRequest.orNull();
        Role role = ctx == null ? null : ctx.role();
        if (rule.on() == On.NAMED_WORKSPACE) {
            checkNamedWorkspace(request, caller, rule);
        }
        boolean allowed = switch (rule.on()) {
            case NOTHING, SELF, NAMED_WORKSPACE -> true;
            case WORKSPACE -> role != null && role.atLeast(rule.role());
            case USERS -> caller.systemAdmin() || role != null && role.atLeast(rule.role());
        };
        if (!allowed) {
            throw Roles.forbidden("this needs the " + rule.role() + " role in the workspace; you have "
                    + (role == null ? "none" : role) + (rule.on() == On.USERS ? " and are not a system admin" : ""));
        }
        checkSignIn(request, caller, method, pattern, rule, ctx);
        return true;
    }

    /**
     * What the way the caller signed in allows: routes for a signed-in person refuse API tokens, and a
     * person's session signed in without the second factor a workspace requires may do nothing that
     * reaches that workspace (API tokens and agents' named sessions are not affected):
     *
     * <ul>
     *   <li>the workspace's data ({@link On#WORKSPACE}) and its administration ({@link On#NAMED_WORKSPACE}:
     *       members, roles, invitation links, switching the requirement off, deleting it) are refused;
     *   <li>the account and user routes ({@link On#SELF}, {@link On#USERS}: minting API tokens, creating
     *       users or workspaces, changing the password, accepting invitations, the security log) are
     *       refused while any workspace the caller reaches requires it, since what they make (a token, a
     *       user) would reach that workspace without the second factor;
     *   <li>what is left ({@link RouteRules#withoutRequiredSecondFactor}) lets the person see themself,
     *       enrol and sign out.
     * </ul>
     */
    private void checkSignIn(
            HttpServletRequest request, Caller caller, String method, String pattern, Rule rule, RequestContext ctx) {
        boolean signedIn = "jwt".equals(caller.credential());
        if (!"api_token".equals(caller.credential())) {
            touch(caller.credentialId());
        }
        if (!signedIn && RouteRules.signedInOnly(method, pattern)) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    "signed-in-session-required",
                    "Forbidden",
                    "this is done from a signed-in session, not with an API token",
                    null);
        }
        if (!signedIn || RouteRules.withoutRequiredSecondFactor(method, pattern)) {
            return;
        }
        switch (rule.on()) {
            case WORKSPACE -> {
                if (ctx != null && access.lacksRequiredTwoFactor(caller, ctx.workspaceId())) {
                    throw twoFactorRequired(ctx.workspaceId());
                }
            }
            case NAMED_WORKSPACE -> {
                Long named = namedWorkspace(request);
                if (named != null && access.lacksRequiredTwoFactor(caller, named)) {
                    throw twoFactorRequired(named);
                }
            }
            case SELF, USERS -> {
                Optional<Long> requiring = access.workspaceRequiringMissingTwoFactor(caller);
                if (requiring.isPresent()) {
                    throw twoFactorRequired(requiring.get());
                }
            }
            case NOTHING -> {}
        }
    }

    /**
     * The role in the workspace of a {@code /workspaces/{id}/…} route, before the request's body is read:
     * a workspace the caller is not a member of is 404 as if missing (SPEC §4), and a role below the
     * route's is 403, whatever the body says (a viewer's or member's malformed body was a 422 before the
     * handler's own check). The handler checks again, under its lock where it takes turns.
     */
    private void checkNamedWorkspace(HttpServletRequest request, Caller caller, Rule rule) {
        Long named = namedWorkspace(request);
        if (named == null) {
            return; // not a number: the handler refuses it
        }
        RequestContext there =
                access.named(caller, named.toString()).orElseThrow(() -> ApiException.notFound("workspace", named));
        if (!there.role().atLeast(rule.role())) {
            throw Roles.forbidden(
                    rule.role() == Role.ADMIN
                            ? "only the workspace's admins can do this"
                            : "this needs the " + rule.role() + " role in the workspace; you have " + there.role());
        }
    }

    /** The workspace id of a {@code /workspaces/{id}/…} route, or null when it is not a number (the handler refuses it). */
    private static Long namedWorkspace(HttpServletRequest request) {
        @SuppressWarnings("unchecked")
        Map<String, String> variables =
                (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String id = variables == null ? null : variables.get("id");
        try {
            return id == null ? null : Long.valueOf(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The refusal of a session signed in without the second factor its workspace requires (REST and MCP). */
    static ApiException twoFactorRequired(long workspaceId) {
        return new ApiException(
                HttpStatus.FORBIDDEN,
                "two-factor-required",
                "Forbidden",
                "this workspace requires two-factor sign-in: turn it on in your account settings (/account.html)"
                        + " and sign in again",
                java.util.Map.of("workspace_id", workspaceId));
    }

    /** Records a session's last use, at most once a minute (API tokens record theirs in {@link Credentials}). */
    private void touch(String jti) {
        long now = System.currentTimeMillis();
        Long last = touched.get(jti);
        if (last != null && now - last < 60_000) {
            return;
        }
        if (touched.size() > TOUCHED_MAX) {
            touched.clear();
        }
        touched.put(jti, now);
        signIns.touchSession(jti);
    }
}
