package dev.agentkanban;

import dev.agentkanban.platform.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.Arrays;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One jar, several modes: {@code serve} (default) runs the HTTP service. Other modes arrive with their
 * issues (worker, mcp, import/export commands).
 */
@SpringBootApplication
@org.springframework.scheduling.annotation.EnableScheduling
public class KanbanApplication {

    public static void main(String[] args) throws Exception {
        String mode = args.length == 0 || args[0].startsWith("-") ? "serve" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("-") ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (mode) {
            case "serve" -> serve(rest);
            default -> {
                System.err.println("Unknown mode '" + mode + "'. Usage: java -jar agent-kanban.jar [serve]");
                System.exit(2);
            }
        }
    }

    /** Starts the HTTP service; without DATABASE_URL it first starts the embedded PostgreSQL. */
    public static ConfigurableApplicationContext serve(String... args) throws Exception {
        EmbeddedDatabase embedded = null;
        if (isBlank(System.getenv("DATABASE_URL")) && isBlank(System.getProperty("DATABASE_URL"))
                && isBlank(System.getProperty("spring.datasource.url"))) {
            Path dataDir = Path.of(firstNonBlank(System.getenv("DATA_DIR"), System.getProperty("DATA_DIR"), "data"), "postgres");
            embedded = EmbeddedDatabase.start(dataDir);
            System.setProperty("spring.datasource.url", embedded.jdbcUrl());
            System.out.println("Embedded PostgreSQL started, data in " + dataDir.toAbsolutePath());
        }
        SpringApplication app = new SpringApplication(KanbanApplication.class);
        if (embedded != null) {
            EmbeddedDatabase db = embedded;
            // registered before the DataSource, so it is destroyed after the pool has closed
            app.addInitializers(ctx -> ((DefaultListableBeanFactory) ctx.getBeanFactory())
                    .registerDisposableBean("embeddedDatabase", db::close));
        }
        ConfigurableApplicationContext context = app.run(args);
        String port = context.getEnvironment().getProperty("local.server.port", "8080");
        System.out.println("Agent Kanban is running: open http://localhost:" + port + "/");
        return context;
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
