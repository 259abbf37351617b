package dev.agentkanban.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Malformed MCP messages get JSON-RPC errors (-32700 parse error, -32600 invalid request, -32601
 * method not found, -32602 invalid params) and nothing internal: no stack trace, no class names, for
 * any caller, a viewer included (issue 12: a 90-frame Java stack trace was returned).
 */
class McpProtocolErrorsTest extends ApiTest {

    Http viewer;

    @BeforeAll
    void viewer() {
        User user = identities.provision("mcp-viewer", "mcp-viewer-password", defaultWorkspace, Role.VIEWER, false);
        viewer = http.withToken(identities.issueToken(user.id(), "mcp", List.of("read")));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("not JSON", "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ", -32700),
                Arguments.of("empty body", "", -32700),
                Arguments.of(
                        "nested too deeply",
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":" + "[".repeat(300)
                                + "]".repeat(300) + "}",
                        -32700),
                Arguments.of("a batch", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", -32600),
                Arguments.of("a number", "42", -32600),
                Arguments.of("no jsonrpc version", "{\"id\": 1, \"method\": \"ping\"}", -32600),
                Arguments.of("method not a string", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", -32600),
                Arguments.of("id an object", "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", -32600),
                Arguments.of("unknown method", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/list\"}", -32601),
                Arguments.of(
                        "made-up method", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"../../etc/passwd\"}", -32601),
                Arguments.of(
                        "params not an object",
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":\"x\"}",
                        -32602),
                Arguments.of(
                        "tool call without a name",
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{}}",
                        -32602),
                Arguments.of(
                        "unknown tool",
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"drop_tables\"}}",
                        -32602),
                Arguments.of(
                        "arguments not an object",
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                                + "\"params\":{\"name\":\"list_boards\",\"arguments\":[1,2]}}",
                        -32602),
                Arguments.of(
                        "initialize without params",
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"initialize\"}",
                        -32602),
                Arguments.of(
                        "initialize with wrong types",
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"initialize\","
                                + "\"params\":{\"protocolVersion\":[],\"capabilities\":7,\"clientInfo\":\"x\"}}",
                        -32602));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedMessagesGetJsonRpcErrorsWithoutInternals(String shape, String message, int code) {
        for (Http caller : List.of(http, viewer)) {
            Response r = caller.post("/mcp", message, "Accept", "application/json, text/event-stream");
            assertThat(r.status()).as(r.body()).isIn(200, 400);
            assertThat(r.body())
                    .doesNotContainIgnoringCase("stackTrace")
                    .doesNotContain("Exception")
                    .doesNotContain("java.")
                    .doesNotContain("io.modelcontextprotocol")
                    .doesNotContain("\tat ");
            JsonNode body = r.json();
            assertThat(body.get("jsonrpc").asString()).isEqualTo("2.0");
            assertThat(body.get("error").get("code").asInt()).as(r.body()).isEqualTo(code);
            assertThat(body.get("error").get("message").asString()).isNotBlank();
            if (code == -32601 || code == -32602) {
                assertThat(body.get("id").asInt()).isEqualTo(5);
            }
        }
    }

    @Test
    void anUnknownToolIsNamedInTheRefusal() {
        Response r = viewer.post(
                "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"get_ticket\"}}",
                "Accept",
                "application/json, text/event-stream");
        assertThat(r.json().get("error").get("message").asString())
                .isEqualTo("Unknown tool 'get_ticket': call one of the tools that tools/list names");
        Response huge = viewer.post(
                "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"" + "t".repeat(10_000)
                        + "\"}}",
                "Accept",
                "application/json, text/event-stream");
        assertThat(huge.json().get("error").get("message").asString()).hasSizeLessThan(300);
    }

    @Test
    void wellFormedMessagesStillWork() {
        Response ping = viewer.post(
                "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}",
                "Accept",
                "application/json, text/event-stream");
        assertThat(ping.status()).as(ping.body()).isEqualTo(200);
        assertThat(ping.json().get("id").asInt()).isEqualTo(9);
        assertThat(ping.json().has("error")).isFalse();
        Response list = viewer.post(
                "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\"}",
                "Accept",
                "application/json, text/event-stream");
        assertThat(list.json().get("result").get("tools").size()).isGreaterThan(5);
        Response notification = viewer.post(
                "/mcp",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "Accept",
                "application/json, text/event-stream");
        assertThat(notification.status()).isEqualTo(202);
    }
}
