package dev.agentkanban.realtime;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Captures who connects: the identity filter has already authenticated the handshake (bearer token in
 * {@code Sec-WebSocket-Protocol} or a {@code token} parameter) and bound the caller's workspace and
 * role, which the connection keeps for its lifetime. Also reads seed 002's {@code /ws/connect}
 * parameters {@code client_id} and {@code board_id} (and {@code last_event_id}).
 */
class WorkspaceHandshake implements HandshakeInterceptor {

    static final String CONTEXT = "kanban.context";
    static final String CLIENT_ID = "kanban.client_id";
    static final String BOARD_ID = "kanban.board_id";
    static final String LAST_EVENT_ID = "kanban.last_event_id";

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) {
        RequestContext ctx = CurrentRequest.orNull();
        if (ctx == null) {
            response.setStatusCode(HttpStatus.FORBIDDEN);
            return false;
        }
        attributes.put(CONTEXT, ctx);
        if (request instanceof ServletServerHttpRequest servlet) {
            String clientId = servlet.getServletRequest().getParameter("client_id");
            if (clientId != null && !clientId.isBlank()) {
                attributes.put(CLIENT_ID, clientId.length() > 200 ? clientId.substring(0, 200) : clientId);
            }
            for (String[] p : new String[][] {{"board_id", BOARD_ID}, {"last_event_id", LAST_EVENT_ID}}) {
                String value = servlet.getServletRequest().getParameter(p[0]);
                if (value != null && !value.isBlank()) {
                    if (!value.trim().matches("\\d{1,18}")) {
                        response.setStatusCode(HttpStatus.BAD_REQUEST);
                        return false;
                    }
                    attributes.put(p[1], Long.parseLong(value.trim()));
                }
            }
        }
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {}
}
