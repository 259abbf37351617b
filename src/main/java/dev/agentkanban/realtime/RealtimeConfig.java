package dev.agentkanban.realtime;

import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;
import tools.jackson.databind.json.JsonMapper;

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
 *
 * <p>Tomcat also gives every connection three buffers of {@code DEFAULT_BUFFER_SIZE} (8 KB unless the
 * system property {@value #BUFFER_SIZE_PROPERTY} says otherwise): the incoming frame, the outgoing
 * frame and the text encoder's output. They are {@value #BUFFER_SIZE} bytes here unless the property
 * is set: a larger outgoing message goes out in parts of that size, as continuation frames of one
 * message that the client receives whole. That takes 12 KB off each of the 1,000 connections an
 * instance accepts by default; 2 KB takes 8 MB more off at 1,000 connections, at a frame per 2 KB of a
 * large event (docs/benchmarks.md, "Smaller WebSocket buffers", "Asynchronous live sends landed").
 *
 * <p>Below those, Tomcat gives every connection, HTTP or WebSocket, a socket read and a socket write
 * buffer of 8 KB, in the heap. {@code WEBSOCKET_DIRECT_SOCKET_BUFFERS=true} makes them direct
 * ({@code socket.directBuffer}): 1,000 subscribers then hold 16 MB less heap (live set 94 -> 79 MB with
 * 1,000 connected), which halved the live-update p99 at 1,000 subscribers in the benchmark (fewer full
 * collections), but get and create served 14-28 % fewer requests a second in three A/B pairs, so it is
 * not the default (docs/operations.md).
 */
@Configuration
@EnableWebSocket
class RealtimeConfig implements WebSocketConfigurer {

    /** The longest message a client may send, in characters (text) or bytes (binary). */
    static final int MAX_CLIENT_MESSAGE = 1024;

    static final String BUFFER_SIZE_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

    /** The size of Tomcat's per-connection frame and encoder buffers, in bytes. */
    static final int BUFFER_SIZE = 4096;

    private final BoardSocketHandler handler;
    private final WorkspaceHandshake handshakeInterceptor;
    private final JsonMapper json;
    private final String[] origins;

    RealtimeConfig(
            BoardSocketHandler handler,
            WorkspaceHandshake handshakeInterceptor,
            JsonMapper json,
            @Value("${kanban.cors-origins:}") String origins) {
        this.handler = handler;
        this.handshakeInterceptor = handshakeInterceptor;
        this.json = json;
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

    /**
     * Tomcat reads the property once, when its WebSocket classes initialise as the server starts:
     * this customiser runs just before, while the server is being made.
     */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> webSocketBuffers(
            @Value("${kanban.websocket.direct-socket-buffers:false}") boolean directSocketBuffers) {
        return factory -> {
            if (System.getProperty(BUFFER_SIZE_PROPERTY) == null) {
                System.setProperty(BUFFER_SIZE_PROPERTY, Integer.toString(BUFFER_SIZE));
            }
            if (directSocketBuffers) {
                factory.addConnectorCustomizers(connector -> connector.setProperty("socket.directBuffer", "true"));
            }
        };
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        DefaultHandshakeHandler handshake = new DefaultHandshakeHandler();
        handshake.setSupportedProtocols("bearer");
        // The origin check is Spring's (same origin, or one of the CORS origins), wrapped so that a refusal
        // is problem+json; the check the registration always adds last is told to let everything through.
        registry.addHandler(handler, "/ws", "/ws/connect")
                .setHandshakeHandler(new HandshakeProblems(handshake, json))
                .addInterceptors(
                        handshakeInterceptor,
                        HandshakeProblems.answering(new OriginHandshakeInterceptor(List.of(origins)), json))
                .setAllowedOriginPatterns("*");
    }
}
