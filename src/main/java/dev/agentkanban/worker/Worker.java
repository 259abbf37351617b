package dev.agentkanban.worker;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The {@code worker} mode of the jar: starts the worker's own Spring context ({@link WorkerConfig})
 * and keeps running until stopped. Configuration as for the service: {@code --name=value} arguments,
 * system properties or environment variables ({@code WORKER_DATABASE_URL}, {@code API_URL},
 * {@code WORKER_API_TOKEN}, ...; see docs/worker.md). {@code worker eval <tasks.jsonl>} evaluates the agents
 * instead ({@link Evaluation}).
 */
public final class Worker {

    private Worker() {}

    public static void main(String... args) throws Exception {
        if (args.length > 0 && args[0].equals("eval")) {
            // java -jar agent-kanban.jar worker eval <tasks.jsonl>: precision and recall of the agents (docs/worker.md)
            Evaluation.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        if (env.getProperty("WORKER_API_TOKEN", env.getProperty("kanban.worker.api-token", ""))
                .isBlank()) {
            System.err.println(WorkerSettings.TOKEN_MISSING + ".");
            System.exit(2);
        }
        ConfigurableApplicationContext context = start(List.of(), args);
        WorkerSettings settings = context.getBean(WorkerSettings.class);
        System.out.println("Agent Kanban worker " + settings.name() + " is following " + settings.apiUrl());
    }

    /** Starts a worker; {@code extraSources} may add beans (tests add agents). Close the context to stop it. */
    static ConfigurableApplicationContext start(List<Class<?>> extraSources, String... args) {
        List<Class<?>> sources = new ArrayList<>(List.of(WorkerConfig.class));
        sources.addAll(extraSources);
        SpringApplication app = new SpringApplication(sources.toArray(Class<?>[]::new));
        app.setWebApplicationType(WebApplicationType.NONE);
        // the loops run on virtual threads, which do not keep a JVM alive by themselves
        app.setKeepAlive(true);
        return app.run(args);
    }
}
