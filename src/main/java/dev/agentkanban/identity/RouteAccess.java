package dev.agentkanban.identity;

import dev.agentkanban.identity.RouteRules.On;
import dev.agentkanban.identity.RouteRules.Rule;
import dev.agentkanban.identity.RouteRules.Scope;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
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
        return true;
    }
}
