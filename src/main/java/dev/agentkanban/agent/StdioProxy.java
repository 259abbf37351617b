package dev.agentkanban.agent;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code mcp} mode: an MCP server on stdin/stdout for agents that launch their tools as processes.
 * It is a thin proxy, with no database and no Spring context: it serves the same tool list as the
 * HTTP endpoint and forwards every call to {@code KANBAN_URL/mcp} with {@code KANBAN_TOKEN}, so all
 * validation, permissions, audit and events happen in the server, exactly as over HTTP. stdout carries
 * only protocol messages; logs and diagnostics go to stderr.
 */
public final class StdioProxy {

    static final String USAGE = """
            Usage: java -jar agent-kanban.jar mcp [--url=URL] [--token=TOKEN] [--workspace=ID_OR_SLUG]
              Serves MCP on stdin/stdout and forwards tool calls to the Agent Kanban server at URL.
              Defaults come from the environment: KANBAN_URL, KANBAN_TOKEN (an API token, akt_...),
              KANBAN_WORKSPACE (optional; else the token owner's default workspace).
              Prefer the environment for the token: arguments are visible to other local users.""";

    private StdioProxy() {}

    /** Settings of the proxy: where the server is and who the agent is. */
    record Settings(String url, String token, String workspace) {

        static Settings of(String[] args, java.util.function.Function<String, String> env) {
            String url = env.apply("KANBAN_URL");
            String token = env.apply("KANBAN_TOKEN");
            String workspace = env.apply("KANBAN_WORKSPACE");
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = arg.contains("=")
                        ? arg.substring(arg.indexOf('=') + 1)
                        : i + 1 < args.length ? args[i + 1] : null;
                boolean separate = !arg.contains("=");
                switch (arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg) {
                    case "--url" -> url = value;
                    case "--token" -> token = value;
                    case "--workspace" -> workspace = value;
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
                if (separate) {
                    i++;
                }
            }
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("the server URL is missing: set KANBAN_URL or pass --url");
            }
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("the token is missing: set KANBAN_TOKEN or pass --token");
            }
            URI uri = URI.create(url.strip());
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("the server URL must be http(s)://host[:port], not " + url);
            }
            String base = url.strip().replaceAll("/+$", "");
            return new Settings(
                    base, token.strip(), workspace == null || workspace.isBlank() ? null : workspace.strip());
        }
    }

    /** Runs until stdin closes. Exits the JVM with 2 on bad settings. */
    public static void main(String[] args) {
        // before any logger exists: logs go to stderr, never into the protocol stream on stdout
        System.setProperty("logback.configurationFile", "mcp-stdio-logback.xml");
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        Settings settings;
        try {
            settings = Settings.of(args, System::getenv);
        } catch (IllegalArgumentException e) {
            System.err.println("agent-kanban mcp: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Conversation conversation = new Conversation();
        Remote remote = new Remote(settings);
        StdioFilter.ProtocolOut out = new StdioFilter.ProtocolOut(protocolOut);
        McpSyncServer server =
                serve(remote, conversation.input(StdioFilter.checked(System.in, out)), conversation.output(out));
        // a piped script closes stdin right after its last request: answer everything it asked first
        conversation.awaitEndOfInputAndAnswers(Duration.ofSeconds(120));
        server.close();
        remote.close();
        System.exit(0);
    }

    static McpSyncServer serve(Remote remote, InputStream in, OutputStream out) {
        List<SyncToolSpecification> specs = ToolCatalog.tools().stream()
                .map(tool -> new SyncToolSpecification(tool, (exchange, call) -> remote.call(call)))
                .toList();
        return McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper(), in, out))
                .serverInfo(ToolCatalog.SERVER_NAME, version())
                .instructions(ToolCatalog.INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(specs)
                .validateToolInputs(false) // the server validates, once, for both transports
                // one call at a time, on the thread that reads stdin: the SDK's stdio transport refuses
                // ("Failed to enqueue message") an answer written while another is being written, and
                // the answer is lost; answers of pipelined calls finishing together collided so
                .immediateExecution(true)
                .build();
    }

    /**
     * The server's /mcp endpoint. The endpoint is stateless (one POST per message, no session), so each
     * tool call is one plain JSON-RPC POST: no handshake to keep, and an HTTP refusal (401, 404, 413, 429,
     * 503) is read as what it is, with the server's own explanation from its problem details. (The SDK's
     * client reported those as "Failed to send message: DummyEvent[...]", without status or reason.)
     */
    static final class Remote implements AutoCloseable {

        private static final JsonMapper JSON = JsonMapper.builder().build();
        private static final Duration TIMEOUT = Duration.ofSeconds(60);

        private final Settings settings;
        private final URI endpoint;
        private final java.net.http.HttpClient http;
        private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();

        Remote(Settings settings) {
            this.settings = settings;
            this.endpoint = URI.create(settings.url() + McpEndpoint.PATH);
            this.http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }

        CallToolResult call(CallToolRequest call) {
            try {
                return send(call);
            } catch (java.net.ConnectException e) {
                return failed(call, "connection refused: is the server running?");
            } catch (java.net.http.HttpTimeoutException e) {
                return failed(call, "the server did not answer within " + TIMEOUT.toSeconds() + " s");
            } catch (IOException e) {
                return failed(call, e.getMessage() == null ? "the connection failed" : e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(call, "interrupted");
            }
        }

        private CallToolResult send(CallToolRequest call) throws IOException, InterruptedException {
            tools.jackson.databind.node.ObjectNode message = JSON.createObjectNode();
            message.put("jsonrpc", "2.0");
            message.put("id", ids.incrementAndGet());
            message.put("method", "tools/call");
            message.set("params", JSON.readTree(McpJsonDefaults.getMapper().writeValueAsString(call)));
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(endpoint)
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + settings.token())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(message)));
            if (settings.workspace() != null) {
                request.header("X-Workspace-Id", settings.workspace());
            }
            java.net.http.HttpResponse<String> response =
                    http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 401) {
                return failed(call, "the token was refused (401): check KANBAN_TOKEN");
            }
            if (status == 404) {
                return failed(
                        call,
                        "the server answered 404 Not Found: check KANBAN_WORKSPACE (a workspace the token's user"
                                + " is a member of; another workspace is 404, as if missing) and KANBAN_URL");
            }
            JsonNode body = json(response.body());
            if (status / 100 != 2) {
                return failed(call, refusal(status, body));
            }
            if (body != null && body.path("result").isObject()) {
                try {
                    return McpJsonDefaults.getMapper()
                            .readValue(body.get("result").toString(), CallToolResult.class);
                } catch (IOException | RuntimeException e) {
                    return failed(call, "the server's answer is not a tool result");
                }
            }
            if (body != null && body.path("error").path("message").isString()) {
                return failed(call, body.get("error").get("message").asString());
            }
            return failed(call, "the server's answer was not a JSON-RPC response (HTTP " + status + ")");
        }

        /** "Title (status): detail" from the server's problem details, as tool errors read; else the status. */
        private static String refusal(int status, JsonNode problem) {
            if (problem != null && problem.path("detail").isString()) {
                String title = problem.path("title").asString("HTTP " + status);
                return title + " (" + status + "): " + problem.get("detail").asString();
            }
            if (problem != null && problem.path("error").path("message").isString()) {
                return problem.get("error").get("message").asString() + " (HTTP " + status + ")";
            }
            return "the server answered HTTP " + status;
        }

        private static JsonNode json(String text) {
            try {
                return text == null || text.isBlank() ? null : JSON.readTree(text);
            } catch (JacksonException e) {
                return null;
            }
        }

        private CallToolResult failed(CallToolRequest call, String reason) {
            return McpEndpoint.error("Cannot complete " + call.name() + " at " + endpoint + ": " + reason);
        }

        @Override
        public void close() {
            http.close();
        }
    }

    private static String version() {
        String v = StdioProxy.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Watches the protocol lines in both directions: how many requests came in, how many answers went
     * out, and whether input has ended. At end of input it holds the SDK's reader back (on EOF the SDK
     * would close its output before the answers still in flight are written) until the main thread,
     * having seen every request answered, ends the process.
     */
    static final class Conversation {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        private int requests;
        private int answers;
        private boolean ended;

        InputStream input(InputStream in) {
            return new FilterInputStream(in) {
                private final Lines lines = new Lines(line -> count(line, true));

                @Override
                public int read() throws IOException {
                    int b = end(super.read());
                    if (b >= 0) {
                        lines.accept(new byte[] {(byte) b}, 0, 1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = end(super.read(b, off, len));
                    if (n > 0) {
                        lines.accept(b, off, n);
                    }
                    return n;
                }
            };
        }

        OutputStream output(OutputStream out) {
            return new FilterOutputStream(out) {
                private final Lines lines = new Lines(line -> count(line, false));

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    lines.accept(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    lines.accept(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                    lines.flushed();
                }
            };
        }

        synchronized void awaitEndOfInputAndAnswers(Duration atMost) {
            try {
                while (!ended) {
                    wait();
                }
                long deadline = System.nanoTime() + atMost.toNanos();
                while (answers < requests && System.nanoTime() < deadline) {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** A request has an id and a method; an answer has an id and no method. Notifications have no id. */
        private synchronized void count(String line, boolean incoming) {
            try {
                var message = JSON.readTree(line);
                if (message.has("id") && message.has("method") == incoming) {
                    if (incoming) {
                        requests++;
                    } else {
                        answers++;
                        notifyAll();
                    }
                }
            } catch (RuntimeException notJson) {
                // the SDK answers or drops what it cannot parse; nothing to count
            }
        }

        private int end(int n) {
            if (n < 0) {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return n;
        }

        /** Splits a byte stream into lines (UTF-8), handing each complete one on. */
        private static final class Lines {
            private final java.util.function.Consumer<String> sink;
            private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

            Lines(java.util.function.Consumer<String> sink) {
                this.sink = sink;
            }

            synchronized void accept(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        emit();
                    } else {
                        pending.write(b[i]);
                    }
                }
            }

            /** Output is flushed once per message; a message without a trailing newline still counts then. */
            synchronized void flushed() {
                if (pending.size() > 0) {
                    emit();
                }
            }

            private void emit() {
                String line = pending.toString(java.nio.charset.StandardCharsets.UTF_8)
                        .strip();
                pending.reset();
                if (!line.isEmpty()) {
                    sink.accept(line);
                }
            }
        }
    }
}
