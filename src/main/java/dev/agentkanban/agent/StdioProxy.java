package dev.agentkanban.agent;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

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
                String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1)
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
            return new Settings(base, token.strip(), workspace == null || workspace.isBlank() ? null : workspace.strip());
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
        CountDownLatch stdinClosed = new CountDownLatch(1);
        Remote remote = new Remote(settings);
        McpSyncServer server = serve(remote, new EofSignallingStream(System.in, stdinClosed), protocolOut);
        try {
            stdinClosed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a piped script closes stdin right after its last request: answer what is in flight first
        remote.awaitIdle(Duration.ofSeconds(60));
        sleep(Duration.ofMillis(300));
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
        private int inFlight;

        Remote(Settings settings) {
            this.settings = settings;
        }

        CallToolResult call(CallToolRequest call) {
            synchronized (this) {
                inFlight++;
            }
            try {
                return client().callTool(call);
            } catch (RuntimeException e) {
                close();
                return McpEndpoint.error("Cannot complete " + call.name() + " at " + settings.url() + "/mcp: " + reason(e));
            } finally {
                synchronized (this) {
                    inFlight--;
                    notifyAll();
                }
            }
        }

        synchronized void awaitIdle(Duration atMost) {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (inFlight > 0 && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
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
            }
            if (reason == null) {
                return e.getClass().getSimpleName();
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

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String version() {
        String v = StdioProxy.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** stdin, telling when the client closed it: the proxy's signal to stop. */
    private static final class EofSignallingStream extends FilterInputStream {

        private final CountDownLatch closed;

        EofSignallingStream(InputStream in, CountDownLatch closed) {
            super(in);
            this.closed = closed;
        }

        @Override
        public int read() throws IOException {
            try {
                return signal(super.read());
            } catch (IOException e) {
                closed.countDown();
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return signal(super.read(b, off, len));
            } catch (IOException e) {
                closed.countDown();
                throw e;
            }
        }

        /**
         * At end of input, tells the main thread and holds the SDK's reader back: on EOF the SDK would
         * close its output before the answers still in flight are written. The main thread lets them
         * finish, then ends the process.
         */
        private int signal(int n) {
            if (n < 0) {
                closed.countDown();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return n;
        }
    }
}
