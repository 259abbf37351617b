package dev.agentkanban.realtime;

import dev.agentkanban.platform.Problems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.context.Lifecycle;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * A refused handshake answers problem+json like every other error (SPEC §4), not Spring's bare status or
 * its text/plain line: {@code GET /ws} without {@code Upgrade: websocket} (400), another method than GET
 * (405, with {@code Allow}), an unsupported {@code Sec-WebSocket-Version} (426) or a missing key (400).
 * Wraps Spring's handshake handler, whose checks are final, and rewrites the answer it refused with;
 * {@link #answering} does the same for the origin check (403), and {@link #write} also serves
 * {@link WorkspaceHandshake}'s refusals of bad query parameters.
 */
final class HandshakeProblems implements HandshakeHandler, Lifecycle {

    private final DefaultHandshakeHandler delegate;
    private final JsonMapper json;

    HandshakeProblems(DefaultHandshakeHandler delegate, JsonMapper json) {
        this.delegate = delegate;
        this.json = json;
    }

    @Override
    public boolean doHandshake(
            ServerHttpRequest request,
            ServerHttpResponse response,
            WebSocketHandler handler,
            Map<String, Object> attributes)
            throws HandshakeFailureException {
        return answered(delegate.doHandshake(request, response, handler, attributes), response, json);
    }

    /** {@code passed}, after answering a refusal's bare status with its problem. */
    private static boolean answered(boolean passed, ServerHttpResponse response, JsonMapper json) {
        if (!passed && response instanceof ServletServerHttpResponse servlet) {
            int status = servlet.getServletResponse().getStatus();
            if (status >= 400) {
                write(json, response, problem(status));
            }
        }
        return passed;
    }

    /**
     * {@code check} (such as Spring's origin check), answering problem+json when it refuses the handshake
     * with a bare status.
     */
    static HandshakeInterceptor answering(HandshakeInterceptor check, JsonMapper json) {
        return new HandshakeInterceptor() {
            @Override
            public boolean beforeHandshake(
                    ServerHttpRequest request,
                    ServerHttpResponse response,
                    WebSocketHandler handler,
                    Map<String, Object> attributes)
                    throws Exception {
                return answered(check.beforeHandshake(request, response, handler, attributes), response, json);
            }

            @Override
            public void afterHandshake(
                    ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler, Exception e) {
                check.afterHandshake(request, response, handler, e);
            }
        };
    }

    private static ProblemDetail problem(int status) {
        HttpStatusCode code = HttpStatusCode.valueOf(status);
        String title = Problems.titleOf(code);
        String detail = switch (status) {
            case 403 -> "a page of this origin may not open a WebSocket here (see CORS_ORIGINS)";
            case 405 -> "a WebSocket handshake is a GET request";
            case 426 -> "unsupported WebSocket version: this server speaks version 13";
            case 400 ->
                "not a WebSocket handshake: connect with a GET carrying Upgrade: websocket,"
                        + " Connection: Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13";
            default -> title;
        };
        return Problems.of(code, Problems.typeOf(code), title, detail, null);
    }

    /**
     * Answers {@code problem} unless the response is already on its way: whatever the handshake wrote
     * into the body before goes, its headers (such as {@code Allow}) stay.
     */
    static void write(JsonMapper json, ServerHttpResponse response, ProblemDetail problem) {
        response.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
        if (!(response instanceof ServletServerHttpResponse servlet)) {
            return;
        }
        HttpServletResponse raw = servlet.getServletResponse();
        if (raw.isCommitted()) {
            return;
        }
        raw.resetBuffer();
        raw.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        byte[] body = json.writeValueAsBytes(problem);
        raw.setContentLength(body.length);
        try {
            // not closed here: the handshake's own headers are written when it closes the response
            raw.getOutputStream().write(body);
        } catch (IOException e) {
            // the client is gone: nothing more to say
        }
    }

    @Override
    public void start() {
        delegate.start();
    }

    @Override
    public void stop() {
        delegate.stop();
    }

    @Override
    public boolean isRunning() {
        return delegate.isRunning();
    }
}
