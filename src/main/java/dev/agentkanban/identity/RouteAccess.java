package dev.agentkanban.identity;

import dev.agentkanban.identity.RouteRules.On;
import dev.agentkanban.identity.RouteRules.Rule;
import dev.agentkanban.identity.RouteRules.Scope;
import dev.agentkanban.platform.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
        boolean allowed = switch (rule.on()) {
            case NOTHING, SELF, NAMED_WORKSPACE -> true;
            case WORKSPACE -> role != null && role.atLeast(rule.role());
            case USERS -> caller.systemAdmin() || role != null && role.atLeast(rule.role());
        };
        if (!allowed) {
            throw Roles.forbidden("this needs the " + rule.role() + " role in the workspace; you have "
                    + (role == null ? "none" : role) + (rule.on() == On.USERS ? " and are not a system admin" : ""));
        }
        checkSignIn(caller, method, pattern, rule, ctx);
        return true;
    }

    /**
     * What the way the caller signed in allows: routes for a signed-in person refuse API tokens, and a
     * workspace that requires two-factor sign-in refuses a person's session signed in without it (API
     * tokens and agents' named sessions are not affected).
     */
    private void checkSignIn(Caller caller, String method, String pattern, Rule rule, RequestContext ctx) {
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
        if (signedIn
                && rule.on() == On.WORKSPACE
                && ctx != null
                && access.lacksRequiredTwoFactor(caller, ctx.workspaceId())) {
            throw twoFactorRequired(ctx.workspaceId());
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
