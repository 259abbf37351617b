package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.HealthPaths;
import dev.agentkanban.platform.Problems;
import dev.agentkanban.platform.RateLimited;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place where a request gets its identity and its {@link RequestContext}: the bearer
 * credential (or {@code X-Session-Id}, or on WebSocket handshakes the subprotocol after
 * {@code bearer}, or a {@code token} query parameter on WebSocket and MCP handshakes) names the
 * caller; {@code X-Workspace-Id} (alias {@code X-Tenant-Id}; id or slug) or the caller's
 * default/only workspace names the workspace; the membership role, capped by the token's scopes, is
 * the role. What each route then requires (scope, role) is declared in {@link RouteRules} and checked
 * by {@link RouteAccess}.
 */
class AuthenticationFilter extends OncePerRequestFilter {

    /** Routes that act on the caller rather than on a workspace's data. */
    private static final List<String> NOT_WORKSPACE_SCOPED = List.of(
            "/api/v1/auth/",
            "/api/v1/tokens",
            "/api/v1/workspaces",
            "/api/v1/users",
            "/api/v1/invitations",
            "/api/v1/security/");
    /** The authority of a system admin using an admin-scoped credential: operator endpoints ({@code /actuator/**}). */
    static final String OPERATOR = "OPERATOR";

    private final Credentials credentials;
    private final CallerAccess access;
    private final JsonMapper json;
    private final InvalidCredentialThrottle throttle;

    AuthenticationFilter(
            Credentials credentials, CallerAccess access, JsonMapper json, InvalidCredentialThrottle throttle) {
        this.credentials = credentials;
        this.access = access;
        this.json = json;
        this.throttle = throttle;
    }

    /** The authenticated caller of the running request, if any. */
    static final class CallerAuthentication extends AbstractAuthenticationToken {
        private final Caller caller;

        CallerAuthentication(Caller caller, Role role) {
            super(
                    caller.systemAdmin() && caller.scopes().contains("admin")
                            ? List.of(
                                    new SimpleGrantedAuthority("ROLE_" + (role == null ? "NONE" : role.name())),
                                    new SimpleGrantedAuthority(OPERATOR))
                            : List.of(new SimpleGrantedAuthority("ROLE_" + (role == null ? "NONE" : role.name()))));
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Caller getPrincipal() {
            return caller;
        }
    }

    /**
     * Health checks never look at credentials: they must answer (fast) even while the database, where
     * credentials are checked, is down.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/health") || HealthPaths.isHealthPath(path);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String credential = credentialOf(request);
        if (credential == null) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        var wait = throttle.refusal(address);
        if (wait.isPresent()) {
            response.setHeader("Retry-After", Long.toString(wait.getAsLong()));
            problem(
                    response,
                    new ApiException(
                            HttpStatus.TOO_MANY_REQUESTS,
                            "too-many-invalid-credentials",
                            "Too many requests",
                            "too many invalid credentials from this address; retry in " + wait.getAsLong() + " s",
                            java.util.Map.of("retry_after", wait.getAsLong())));
            return;
        }
        Optional<Caller> found = credentials.authenticate(credential);
        if (found.isEmpty()) {
            throttle.invalid(address);
            if (SecurityPaths.isPublic(request)) {
                chain.doFilter(request, response);
            } else {
                problem(
                        response,
                        new ApiException(
                                HttpStatus.UNAUTHORIZED,
                                "unauthorized",
                                "Unauthorized",
                                "the credentials are invalid, expired or revoked",
                                null));
            }
            return;
        }
        Caller caller = found.get();
        String path = request.getRequestURI();
        Optional<RequestContext> workspace;
        if (isWebSocket(path)) {
            // the handshake names its workspace itself (realtime.WorkspaceHandshake), so that it can
            // refuse with a reason a browser's WebSocket can read
            workspace = Optional.empty();
        } else {
            try {
                workspace = workspaceOf(request, caller);
            } catch (ApiException e) {
                problem(response, e);
                return;
            }
        }
        Role role = workspace.map(RequestContext::role).orElse(null);
        boolean workspaceScoped =
                path.startsWith("/api/") && NOT_WORKSPACE_SCOPED.stream().noneMatch(path::startsWith);
        if (workspace.isEmpty() && workspaceScoped && !SecurityPaths.isPublic(request)) {
            problem(response, Roles.forbidden("you are not a member of any workspace; ask an admin to add you"));
            return;
        }
        if (path.startsWith("/mcp")
                && workspace.isPresent()
                && access.lacksRequiredTwoFactor(caller, workspace.get().workspaceId())) {
            // MCP is not under /api (RouteAccess): a person's session without the required second factor
            // is refused here, on every request of its MCP session, as on REST
            problem(response, RouteAccess.twoFactorRequired(workspace.get().workspaceId()));
            return;
        }
        SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller, role));
        RequestContext ctx = workspace.orElse(null);
        request.setAttribute(Caller.class.getName(), caller);
        request.setAttribute(RateLimited.ATTRIBUTE, caller);
        if (ctx == null) {
            chain.doFilter(request, response);
            return;
        }
        try {
            CurrentRequest.runAs(ctx, () -> {
                try {
                    chain.doFilter(request, response);
                } catch (IOException | ServletException e) {
                    throw new Rethrow(e);
                }
            });
        } catch (Rethrow r) {
            if (r.getCause() instanceof IOException io) {
                throw io;
            }
            throw (ServletException) r.getCause();
        }
    }

    private Optional<RequestContext> workspaceOf(HttpServletRequest request, Caller caller) {
        String named = namedWorkspace(request);
        if (named == null) {
            return access.byDefault(caller);
        }
        Optional<RequestContext> ctx = named(caller, named);
        String tenant = request.getHeader("X-Tenant-Id");
        if (tenant != null && !tenant.isBlank() && !tenant.trim().equals(named.trim())) {
            // both headers, naming two workspaces: served from neither rather than from one picked silently
            if (named(caller, tenant).get().workspaceId() != ctx.get().workspaceId()) {
                throw ApiException.badRequest("X-Workspace-Id and X-Tenant-Id name different workspaces; send one");
            }
        }
        return ctx;
    }

    /** The caller's context in the workspace a header names (id or slug); 404 when it is not theirs. */
    private Optional<RequestContext> named(Caller caller, String named) {
        Optional<RequestContext> ctx = access.named(caller, named);
        if (ctx.isEmpty()) {
            // SPEC §4: another workspace is 404, as if missing (it tells an outsider nothing about which exist)
            throw ApiException.notFound("workspace", named.trim());
        }
        return ctx;
    }

    /** The workspace a request names ({@code X-Workspace-Id}, alias {@code X-Tenant-Id}), or null. */
    private static String namedWorkspace(HttpServletRequest request) {
        return firstNonBlank(request.getHeader("X-Workspace-Id"), request.getHeader("X-Tenant-Id"));
    }

    private static boolean isWebSocket(String path) {
        return path.equals("/ws") || path.startsWith("/ws/");
    }

    static String credentialOf(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        String session = request.getHeader("X-Session-Id");
        if (session != null && !session.isBlank()) {
            return session.trim();
        }
        String path = request.getRequestURI();
        if (isWebSocket(path)) {
            String offered = bearerSubprotocol(request);
            if (offered != null) {
                return offered;
            }
        }
        if (isWebSocket(path) || path.startsWith("/mcp")) {
            return request.getParameter("token");
        }
        return null;
    }

    /**
     * A browser cannot set headers on a WebSocket handshake, so it offers the token as the subprotocol
     * after {@code bearer}: {@code Sec-WebSocket-Protocol: bearer, <token>} (the server selects
     * {@code bearer}).
     */
    private static String bearerSubprotocol(HttpServletRequest request) {
        List<String> offered = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String p : header.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.trim());
                }
            }
        }
        for (int i = 0; i + 1 < offered.size(); i++) {
            if (offered.get(i).equalsIgnoreCase("bearer")) {
                return offered.get(i + 1);
            }
        }
        return null;
    }

    private void problem(HttpServletResponse response, ApiException e) throws IOException {
        response.setStatus(e.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (e.status() == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        json.writeValue(response.getOutputStream(), Problems.of(e));
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }

    private static final class Rethrow extends RuntimeException {
        Rethrow(Exception cause) {
            super(cause);
        }
    }
}
