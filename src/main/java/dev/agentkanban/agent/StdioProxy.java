package dev.agentkanban.agent;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
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
                .build();
    }

    /** The server's /mcp endpoint, connected on first use and reconnected after a failure. */
    static final class Remote implements AutoCloseable {

        private final Settings settings;
        private McpSyncClient client;

        Remote(Settings settings) {
            this.settings = settings;
        }

        CallToolResult call(CallToolRequest call) {
            try {
                return client().callTool(call);
            } catch (RuntimeException e) {
                close();
                return McpEndpoint.error(
                        "Cannot complete " + call.name() + " at " + settings.url() + "/mcp: " + reason(e));
            }
        }

        /** The most telling message in the cause chain (the SDK wraps connection failures). */
        private static String reason(Throwable e) {
            String reason = null;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    reason = t.getMessage();
                }
                if (t instanceof java.net.ConnectException) {
                    reason = "connection refused: is the server running?";
                    break;
                }
                if (t instanceof McpHttpClientTransportAuthorizationException denied) {
                    int status = denied.getResponseInfo() == null
                            ? 401
                            : denied.getResponseInfo().statusCode();
                    reason = "the token was refused (" + status + "): check KANBAN_TOKEN";
                    break;
                }
            }
            if (reason == null) {
                return e.getClass().getSimpleName();
            }
            if (reason.contains("Status code:404")) {
                // the SDK's own words ("Server Not Found ... DummyEvent[...]") name its internals, not the cause
                return "the server answered 404 Not Found: check KANBAN_WORKSPACE (a workspace the token's user"
                        + " is a member of; another workspace is 404, as if missing) and KANBAN_URL";
            }
            return reason.contains("401") ? "the token was refused (401): check KANBAN_TOKEN" : reason;
        }

        private synchronized McpSyncClient client() {
            if (client == null) {
                HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(settings.url())
                        .endpoint(McpEndpoint.PATH)
                        .connectTimeout(Duration.ofSeconds(10))
                        .httpRequestCustomizer((request, method, uri, body, context) -> {
                            request.header("Authorization", "Bearer " + settings.token());
                            if (settings.workspace() != null) {
                                request.header("X-Workspace-Id", settings.workspace());
                            }
                        })
                        .build();
                McpSyncClient c = McpClient.sync(transport)
                        .clientInfo(new Implementation("agent-kanban-stdio-proxy", version()))
                        .requestTimeout(Duration.ofSeconds(60))
                        .build();
                c.initialize();
                client = c;
            }
            return client;
        }

        @Override
        public synchronized void close() {
            if (client != null) {
                try {
                    client.close();
                } catch (RuntimeException ignored) {
                    // the connection is being dropped anyway
                }
                client = null;
            }
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
