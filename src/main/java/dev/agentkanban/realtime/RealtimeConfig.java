package dev.agentkanban.realtime;

import java.util.Arrays;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * {@code WS /ws} and seed 002's {@code WS /ws/connect?client_id=&board_id=&username=}: a plain
 * WebSocket handler (no STOMP). A browser cannot set headers on the handshake, so it offers its token
 * as subprotocols {@code bearer, <token>}; the server answers with {@code bearer}. Cross-origin
 * handshakes are accepted from the CORS origins only.
 */
@Configuration
@EnableWebSocket
class RealtimeConfig implements WebSocketConfigurer {

    private final BoardSocketHandler handler;
    private final WorkspaceHandshake handshakeInterceptor;
    private final String[] origins;

    RealtimeConfig(
            BoardSocketHandler handler,
            WorkspaceHandshake handshakeInterceptor,
            @Value("${kanban.cors-origins:}") String origins) {
        this.handler = handler;
        this.handshakeInterceptor = handshakeInterceptor;
        this.origins = Arrays.stream(origins.replace("[", "")
                        .replace("]", "")
                        .replace("\"", "")
                        .split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        DefaultHandshakeHandler handshake = new DefaultHandshakeHandler();
        handshake.setSupportedProtocols("bearer");
        var registration = registry.addHandler(handler, "/ws", "/ws/connect")
                .setHandshakeHandler(handshake)
                .addInterceptors(handshakeInterceptor);
        if (origins.length > 0) {
            registration.setAllowedOrigins(origins);
        }
    }
}
