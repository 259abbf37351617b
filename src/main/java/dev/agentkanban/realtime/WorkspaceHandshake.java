package dev.agentkanban.realtime;

import dev.agentkanban.identity.Caller;
import dev.agentkanban.identity.CallerAccess;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Ids;
import dev.agentkanban.platform.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Captures who connects and in which workspace. The identity filter has already authenticated the
 * handshake (bearer token in {@code Sec-WebSocket-Protocol} or a {@code token} parameter); the
 * workspace is the one named by the {@code workspace_id} parameter (a browser cannot set headers) or
 * the {@code X-Workspace-Id} header, else the caller's default one. A workspace the caller is not a
 * member of is not refused here but right after the handshake, with an {@code error} message and a
 * close reason (a browser sees neither on a refused handshake). Also reads seed 002's
 * {@code /ws/connect} parameters {@code client_id} and {@code board_id} (and {@code last_event_id}); one
 * that is not an id refuses the handshake with a 422 problem naming it.
 */
@Component
class WorkspaceHandshake implements HandshakeInterceptor {

    static final String CALLER = "kanban.caller";
    static final String CONTEXT = "kanban.context";
    static final String REFUSED = "kanban.refused";
    static final String CLIENT_ID = "kanban.client_id";
    static final String BOARD_ID = "kanban.board_id";
    static final String LAST_EVENT_ID = "kanban.last_event_id";

    private final CallerAccess access;
    private final JsonMapper json;

    WorkspaceHandshake(CallerAccess access, JsonMapper json) {
        this.access = access;
        this.json = json;
    }

    @Override
    public boolean beforeHandshake(
            ServerHttpRequest request,
            ServerHttpResponse response,
            WebSocketHandler handler,
            Map<String, Object> attributes) {
        if (!(request instanceof ServletServerHttpRequest servlet)
                || !(servlet.getServletRequest().getAttribute(Caller.class.getName()) instanceof Caller caller)) {
            response.setStatusCode(HttpStatus.FORBIDDEN);
            return false;
        }
        HttpServletRequest http = servlet.getServletRequest();
        String clientId = http.getParameter("client_id");
        if (clientId != null && !clientId.isBlank()) {
            attributes.put(CLIENT_ID, clientId.length() > 200 ? clientId.substring(0, 200) : clientId);
        }
        for (String[] p : new String[][] {{"board_id", BOARD_ID}, {"last_event_id", LAST_EVENT_ID}}) {
            String value = http.getParameter(p[0]);
            if (value != null && !value.isBlank()) {
                Long id = Ids.parse(value.trim());
                if (id == null) {
                    // as the REST API answers a query parameter of the wrong kind: 422 naming it
                    HandshakeProblems.write(
                            json,
                            response,
                            Problems.of(ApiException.invalid(p[0], "must be a non-negative integer id")));
                    return false;
                }
                attributes.put(p[1], id);
            }
        }
        attributes.put(CALLER, caller);
        String named = firstNonBlank(
                http.getParameter("workspace_id"), http.getHeader("X-Workspace-Id"), http.getHeader("X-Tenant-Id"));
        Optional<RequestContext> ctx = named == null ? access.byDefault(caller) : access.named(caller, named);
        if (ctx.isPresent() && access.lacksRequiredTwoFactor(caller, ctx.get().workspaceId())) {
            attributes.put(REFUSED, LiveAccess.twoFactorRequired(ctx.get().workspaceId()));
        } else if (ctx.isPresent()) {
            attributes.put(CONTEXT, ctx.get());
        } else {
            attributes.put(
                    REFUSED,
                    named == null
                            ? "you are not a member of any workspace"
                            : "you are not a member of workspace " + abbreviated(named.trim()));
        }
        return true;
    }

    @Override
    public void afterHandshake(
            ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler, Exception exception) {}

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** A close reason has at most 123 bytes: the name goes in as printable ASCII, cut short if absurd. */
    private static String abbreviated(String named) {
        String ascii = named.replaceAll("[^\\x20-\\x7e]", "?");
        return ascii.length() > 40 ? ascii.substring(0, 40) + "..." : ascii;
    }
}
