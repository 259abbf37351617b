package dev.agentkanban.agent;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletConfig;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP SDK (its server and JSON schema validator, about 1,000 classes at start) is made at the first MCP
 * request, not at start (issue #19, the resident memory): the guard asks for it once, initialises its
 * servlet with its own configuration, and answers malformed messages without it. The wiring itself
 * (the SDK's beans lazy, the guard's servlet loaded at start) is exercised by every MCP test against
 * the running service.
 */
class McpOnFirstUseTest {

    private final JsonMapper json = JsonMapper.builder().build();

    /** A stand-in for the SDK's servlet: counts its initialisations and answers every message the same. */
    static final class StandIn extends HttpServlet {
        final AtomicInteger inits = new AtomicInteger();

        @Override
        public void init() {
            inits.incrementAndGet();
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
            response.setContentType("application/json");
            response.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        }
    }

    @Test
    void theSdkIsMadeAtTheFirstMessageItAnswersAndOnlyOnce() throws Exception {
        AtomicInteger made = new AtomicInteger();
        StandIn sdk = new StandIn();
        McpGuard guard = new McpGuard(
                () -> {
                    made.incrementAndGet();
                    return new McpGuard.Sdk(sdk, Set.of("list_boards"));
                },
                json);
        guard.init(new MockServletConfig("mcp"));
        assertThat(made).as("made at start").hasValue(0);

        // a malformed message is answered by the guard alone
        MockHttpServletResponse refused = post(guard, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(refused.getContentAsString()).contains("-32700");
        assertThat(made).hasValue(0);

        MockHttpServletResponse first = post(guard, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(first.getStatus()).isEqualTo(200);
        assertThat(first.getContentAsString()).contains("\"result\"");
        post(guard, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertThat(made).hasValue(1);
        assertThat(sdk.inits).hasValue(1);
        assertThat(sdk.getServletConfig().getServletName()).isEqualTo("mcp");
    }

    @Test
    void anUnknownToolIsRefusedByTheToolsTheSdkServes() throws Exception {
        McpGuard guard = new McpGuard(() -> new McpGuard.Sdk(new StandIn(), Set.of("list_boards")), json);
        guard.init(new MockServletConfig("mcp"));
        MockHttpServletResponse unknown = post(
                guard,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"drop_all\",\"arguments\":{}}}");
        assertThat(unknown.getContentAsString()).contains("-32602").contains("drop_all");
        MockHttpServletResponse known = post(
                guard,
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"list_boards\",\"arguments\":{}}}");
        assertThat(known.getContentAsString()).contains("\"result\"");
    }

    private static MockHttpServletResponse post(McpGuard guard, String body) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", McpEndpoint.PATH);
        request.setContentType("application/json");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse response = new MockHttpServletResponse();
        guard.service(request, response);
        return response;
    }
}
