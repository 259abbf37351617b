package dev.agentkanban.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.Http;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** An MCP client (the Java SDK's) for tests: connects to /mcp with a token and calls tools. */
final class McpTestClient implements AutoCloseable {

    private final McpSyncClient client;

    McpTestClient(int port, String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(
                        "http://localhost:" + port)
                .endpoint("/mcp")
                .httpRequestCustomizer(
                        (request, method, uri, body, context) -> request.header("Authorization", "Bearer " + token))
                .build();
        client = McpClient.sync(transport)
                .clientInfo(new Implementation("test-agent", "1"))
                .requestTimeout(Duration.ofSeconds(60))
                .build();
        client.initialize();
    }

    List<Tool> tools() {
        return client.listTools().tools();
    }

    CallToolResult call(String tool, Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            args.put((String) kv[i], kv[i + 1]);
        }
        return client.callTool(new CallToolRequest(tool, args));
    }

    /** Calls a tool that must succeed and returns its JSON result. */
    JsonNode ok(String tool, Object... kv) {
        CallToolResult r = call(tool, kv);
        assertThat(r.isError()).as("%s failed: %s", tool, text(r)).isFalse();
        return Http.JSON.readTree(text(r));
    }

    /** Calls a tool that must fail and returns its error message. */
    String error(String tool, Object... kv) {
        CallToolResult r = call(tool, kv);
        assertThat(r.isError())
                .as("%s should have failed but returned %s", tool, text(r))
                .isTrue();
        return text(r);
    }

    static String text(CallToolResult r) {
        return ((TextContent) r.content().getFirst()).text();
    }

    @Override
    public void close() {
        client.close();
    }
}
