package dev.agentkanban;

import dev.agentkanban.agent.StdioProxy;
import dev.agentkanban.platform.EmbeddedDatabase;
import dev.agentkanban.transfer.TransferCli;
import dev.agentkanban.worker.Worker;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One jar, several modes: {@code serve} (default) runs the HTTP service; {@code mcp} serves MCP on
 * stdin/stdout for an agent, forwarding to a running service; the import/export commands
 * ({@link TransferCli}) run against the database without a web server; {@code worker} runs the
 * analysis worker ({@link Worker}), a context of its own with its own database that talks to the
 * service over HTTP only.
 */
// No in-memory user with a generated password: callers authenticate with tokens, never with a form login.
// Not Kotlin's reflection either (issue #19): kotlin-reflect is on the class path only for the worker's
// model clients (the Anthropic and OpenAI SDKs), but the actuator's Jackson 2 endpoint mapper
// (Jackson2ObjectMapperBuilder registers Jackson's Kotlin module when Kotlin is present) and springdoc's
// Kotlin support would start it: about a thousand classes initialised on every start, for a service
// with no Kotlin types. Actuator endpoints are written with the Jackson 3 mapper, like the API.
@SpringBootApplication(
        exclude = UserDetailsServiceAutoConfiguration.class,
        excludeName = {
            "org.springframework.boot.actuate.autoconfigure.endpoint.jackson.Jackson2EndpointAutoConfiguration",
            "org.springdoc.core.configuration.SpringDocKotlinConfiguration",
            "org.springdoc.core.configuration.SpringDocJacksonKotlinModuleConfiguration"
        })
@org.springframework.scheduling.annotation.EnableScheduling
public class KanbanApplication {

    public static void main(String[] args) throws Exception {
        String mode = args.length == 0 || args[0].startsWith("-") ? "serve" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("-") ? args : Arrays.copyOfRange(args, 1, args.length);
        if (TransferCli.MODES.contains(mode)) {
            System.exit(TransferCli.run(mode, rest, springArgs -> start(WebApplicationType.NONE, springArgs)));
        }
        switch (mode) {
            case "serve" -> serve(rest);
            // a thin MCP proxy on stdin/stdout: no Spring context, no database (see agent.StdioProxy)
            case "mcp" -> StdioProxy.main(rest);
            // no API database, no web server: the worker's own context (see worker.WorkerConfig)
            case "worker" -> Worker.main(rest);
            default -> {
                System.err.println(
                        "Unknown mode '" + mode + "'. Usage: java -jar agent-kanban.jar [serve | mcp | worker | "
                                + String.join(" | ", TransferCli.MODES) + "]");
                System.exit(2);
            }
        }
    }

    /**
     * Starts the HTTP service; when no database is configured it first starts the embedded PostgreSQL
     * with its data in {@code DATA_DIR/postgres} (default {@code ./data/postgres}). The embedded server
     * stops when the returned context closes.
     */
    public static ConfigurableApplicationContext serve(String... args) throws Exception {
        ConfigurableApplicationContext context = start(WebApplicationType.SERVLET, args);
        String port = context.getEnvironment().getProperty("local.server.port", "8080");
        String base = "http://localhost:" + port;
        System.out.println("Agent Kanban is running at " + base + " (API reference: " + base + "/docs)");
        return context;
    }

    /**
     * Starts the application as {@code type} (the CLI commands run without a web server), on the
     * configured database or else the embedded one, like {@link #serve}.
     */
    public static ConfigurableApplicationContext start(WebApplicationType type, String... args) throws Exception {
        EmbeddedDatabase embedded = null;
        SpringApplication app = new SpringApplication(KanbanApplication.class);
        app.setWebApplicationType(type);
        if (type == WebApplicationType.SERVLET && AheadOfTime.requested()) {
            // the launchers' serve: Spring's ahead-of-time code when the configuration is the build's
            app.addListeners(new AheadOfTime());
        }
        if (!databaseConfigured(args)) {
            Path dataDir = Path.of(firstNonBlank(setting("DATA_DIR", args), "data"), "postgres");
            EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
            embedded = db;
            // the lowest precedence, and nothing global: a later serve() in this JVM decides afresh
            app.setDefaultProperties(Map.of("spring.datasource.url", db.jdbcUrl()));
            // registered before the DataSource, so it is destroyed after the pool has closed
            app.addInitializers(ctx -> ((DefaultListableBeanFactory) ctx.getBeanFactory())
                    .registerDisposableBean("embeddedDatabase", db::close));
            System.out.println("Embedded PostgreSQL started, data in " + dataDir.toAbsolutePath());
        }
        try {
            return app.run(args);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** True when DATABASE_URL or spring.datasource.url is given as an argument, system property or variable. */
    private static boolean databaseConfigured(String... args) {
        return !isBlank(setting("DATABASE_URL", args))
                || !isBlank(setting("spring.datasource.url", args))
                || !isBlank(System.getenv("SPRING_DATASOURCE_URL"));
    }

    /** A setting in Spring's order: a {@code --name=value} argument, then a system property, then a variable. */
    private static String setting(String name, String... args) {
        String fromArgs = null;
        for (String arg : args) {
            if (arg.startsWith("--" + name + "=")) {
                fromArgs = arg.substring(name.length() + 3);
            }
        }
        return firstNonBlank(fromArgs, System.getProperty(name), System.getenv(name));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (!isBlank(v)) {
                return v;
            }
        }
        return null;
    }
}
