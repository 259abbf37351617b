package dev.agentkanban.agent;

import dev.agentkanban.platform.JsonLimits;
import java.io.BufferedReader;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stdio mode's lines from the agent, checked before the SDK reads them. The SDK's stdio transport
 * stops reading at the first line that is not JSON, so one malformed line left every later request of
 * the session unanswered. Here a line that is not JSON is answered with -32700 and a line that is not
 * one JSON-RPC message with -32600 (the same checks as {@link McpGuard}), and neither reaches the SDK.
 * The answers go out between the SDK's own messages, never inside one.
 */
final class StdioFilter {

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(JsonLimits.MAX_DEPTH)
                            .build())
                    .build())
            .build();

    private StdioFilter() {}

    /** Stdout for protocol messages: whole lines only, from the SDK and from the filter alike. */
    static final class ProtocolOut extends FilterOutputStream {
        private boolean atLineStart = true;

        ProtocolOut(OutputStream out) {
            super(out);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
            atLineStart = b == '\n';
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            if (len > 0) {
                atLineStart = b[off + len - 1] == '\n';
                notifyAll();
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            out.flush();
        }

        /** Writes one message as a line once the SDK has finished the line it is writing. */
        synchronized void writeLine(byte[] message) throws IOException {
            try {
                while (!atLineStart) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            out.write(message);
            out.write('\n');
            out.flush();
        }
    }

    /** The lines of {@code in} that are JSON-RPC messages, for the SDK; the others answered on {@code out}. */
    static InputStream checked(InputStream in, ProtocolOut out) {
        PipedInputStream forSdk = new PipedInputStream(1 << 20);
        PipedOutputStream pipe;
        try {
            pipe = new PipedOutputStream(forSdk);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().daemon().name("mcp-stdio-filter").start(() -> {
            try (pipe;
                    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    McpGuard.Refusal refusal = refusal(line);
                    if (refusal == null) {
                        pipe.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                        pipe.flush();
                    } else {
                        out.writeLine(McpGuard.errorMessage(JSON, refusal.code(), refusal.message(), refusal.id()));
                    }
                }
            } catch (IOException e) {
                System.err.println("agent-kanban mcp: reading stdin failed: " + e.getMessage());
            }
        });
        return forSdk;
    }

    static McpGuard.Refusal refusal(String line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (JacksonException e) {
            return new McpGuard.Refusal(McpGuard.PARSE_ERROR, McpGuard.PARSE_ERROR_MESSAGE, null);
        }
        McpGuard.Refusal envelope = McpGuard.envelope(message);
        if (envelope == null
                && message.has("id")
                && "tools/call".equals(message.path("method").asString(null))
                && message.path("params").isObject()) {
            // the SDK's own answer to an unknown tool is "Unknown tool: invalid_tool_name", whatever was asked
            return McpGuard.unknownTool(message.get("params"), message.get("id"), TOOLS);
        }
        return envelope;
    }

    private static final java.util.Set<String> TOOLS = ToolCatalog.tools().stream()
            .map(io.modelcontextprotocol.spec.McpSchema.Tool::name)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
}
