package dev.agentkanban.realtime;

import java.util.Arrays;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * {@code WS /ws} and seed 002's {@code WS /ws/connect?client_id=&board_id=&username=}: a plain
 * WebSocket handler (no STOMP). A browser cannot set headers on the handshake, so it offers its token
 * as subprotocols {@code bearer, <token>}; the server answers with {@code bearer}. Cross-origin
 * handshakes are accepted from the CORS origins only.
 *
 * <p>A connection's memory is mostly buffers, so it is kept small: 1,000 subscribers (the default
 * connection limit) must fit in the default heap next to the HTTP load. Tomcat gives every session
 * an 8 KB binary and an 8 K-character text buffer for incoming messages; a client's messages are a
 * few dozen bytes ({@code subscribe_board}, {@code ping}, heartbeat answers), so they get
 * {@value #MAX_CLIENT_MESSAGE} of each. A longer message closes the connection (1009, too big).
 */
@Configuration
@EnableWebSocket
class RealtimeConfig implements WebSocketConfigurer {

    /** The longest message a client may send, in characters (text) or bytes (binary). */
    static final int MAX_CLIENT_MESSAGE = 1024;

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

    // only where there is a servlet container: the import and export commands start the application
    // without a web server, and this bean needs the ServletContext
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(MAX_CLIENT_MESSAGE);
        container.setMaxBinaryMessageBufferSize(MAX_CLIENT_MESSAGE);
        return container;
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
