package dev.agentkanban;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * Spring's ahead-of-time code for {@code serve} (issue #19): the build runs {@code process-aot} on
 * {@code serve} with the jar's own configuration (pom.xml), which writes the bean definitions as code and
 * so skips the start's parsing of configuration classes and evaluation of conditions. That code fixes
 * every condition's outcome as it was in the build. So it is used only when the launchers ask for it
 * ({@code -Dagent-kanban.aot=on}: bin/agent-kanban and the image) and the run's configuration cannot
 * change any condition's outcome; otherwise the start is the usual one, and one line says why.
 *
 * <p>The check, before the application context is created (Spring Boot asks {@code AotDetector} only
 * then): no active profile; a database URL set (the build's run had one: Boot's embedded-database
 * condition asks whether one is); the JDK's feature version the build's; and every configuration key
 * given from outside the jar (environment variables in their relaxed form, system properties,
 * arguments, configuration files, defaults) either on {@link #ALLOWED}, or outside every name a
 * condition can read: the namespaces of {@link #CONDITION_NAMESPACES}, the variables the jar's
 * application.yml refers to, and the cloud platforms' variables. AheadOfTimeTest holds the list of
 * condition kinds in the service's condition evaluation report and fails when one reads a key that
 * this check lets through, or when a kind it does not know appears.
 *
 * <p>The switch ({@code spring.aot.enabled}) is JVM-wide and read for the context's whole life, which is
 * why only a launched {@code serve} sets it, never the tests or the other modes.
 */
final class AheadOfTime implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Logger log = LoggerFactory.getLogger(AheadOfTime.class);

    /** The launchers' request: {@code -Dagent-kanban.aot=on}. */
    static final String REQUEST = "agent-kanban.aot";

    static final String INITIALIZER = KanbanApplication.class.getName() + "__ApplicationContextInitializer";

    /** What the build recorded next to the generated code (pom.xml filters it). */
    static final String BUILD_FACTS = "META-INF/agent-kanban/aot.properties";

    /**
     * Keys the run may set: none is read by a condition (AheadOfTimeTest). {@code spring.datasource.url}
     * is read, for whether it is set, by Boot's embedded-database condition: set in the build, and
     * required by the check.
     */
    static final Set<String> ALLOWED = normalized(
            // the database: the service's variable and Spring's own keys
            "DATABASE_URL",
            "spring.datasource.url",
            "spring.datasource.username",
            "spring.datasource.password",
            // the port
            "PORT",
            "server.port",
            // the embedded database's folder (read by KanbanApplication before Spring starts)
            "DATA_DIR",
            // settings read only by the service's beans (application.yml's placeholders)
            "SECRET_KEY",
            "ADMIN_USERNAME",
            "ADMIN_PASSWORD",
            "ENVIRONMENT",
            "SEED_DEMO_DATA",
            "SESSIONS_ENABLED",
            "TOKEN_TTL_MINUTES",
            "CORS_ORIGINS",
            "DB_POOL_SIZE",
            "DB_POOL_TIMEOUT_MS",
            "ACCESS_LOG",
            "SLOW_SQL_MS",
            "MAX_REQUEST_BYTES",
            "EVIDENCE_MAX_BYTES",
            "IMPORT_MAX_BYTES",
            "MAX_WEBSOCKET_CONNECTIONS",
            "WEBSOCKET_DIRECT_SOCKET_BUFFERS",
            // Boot's own facts of the process (its "applicationInfo" source): the jar's version and the PID
            "spring.application.version",
            "spring.application.pid",
            // the training run of bin/agent-kanban and the image: stop once the context is ready
            "spring.context.exit",
            REQUEST);

    /** Where conditions read configuration: any key in these namespaces may change an outcome. */
    static final List<String> CONDITION_NAMESPACES = List.of("spring", "management", "server", "kanban", "springdoc");

    /**
     * Boot's cloud platform detection reads these variables directly (Kubernetes also from any pair of
     * {@code *_SERVICE_HOST} and {@code *_SERVICE_PORT}).
     */
    private static final List<String> PLATFORM_PREFIXES = normalized(
                    "KUBERNETES_",
                    "VCAP_",
                    "DYNO",
                    "WEBSITE_",
                    "NOMAD_",
                    "HC_LANDSCAPE",
                    "AWS_EXECUTION_ENV",
                    "ECS_CONTAINER_METADATA")
            .stream()
            .toList();

    /**
     * Variables the service's own EnvironmentPostProcessors turn into keys of those namespaces (which the
     * check sees too, in the sources they add).
     */
    private static final Set<String> MAPPED = normalized("READ_DATABASE_URL", "DATABASE_SESSION_URL");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}$]+)");

    /** The jar's own configuration file (the same in the build and in the run). */
    private static final String OWN_CONFIGURATION = "class path resource [application.yml]";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        String against = ClassUtils.isPresent(INITIALIZER, KanbanApplication.class.getClassLoader())
                ? reasonAgainst(event.getEnvironment(), buildJavaVersion())
                : "this build has no ahead-of-time code";
        if (against == null) {
            System.setProperty("spring.aot.enabled", "true");
            log.info("Starting with Spring's ahead-of-time code (the configuration is the build's)");
        } else {
            log.info("Starting without Spring's ahead-of-time code: {}", against);
        }
    }

    /** Whether a launcher asked for the ahead-of-time code. */
    static boolean requested() {
        return "on".equals(System.getProperty(REQUEST));
    }

    /** Why the ahead-of-time code cannot be used with this configuration, or null when it can. */
    static String reasonAgainst(ConfigurableEnvironment env, String buildJavaVersion) {
        String java = String.valueOf(Runtime.version().feature());
        if (!java.equals(buildJavaVersion)) {
            return "Java " + java + ", the build's was " + buildJavaVersion;
        }
        if (env.getActiveProfiles().length > 0) {
            return "active profiles " + Arrays.toString(env.getActiveProfiles());
        }
        if (!Arrays.equals(env.getDefaultProfiles(), new String[] {"default"})) {
            return "default profiles " + Arrays.toString(env.getDefaultProfiles());
        }
        String url = env.getProperty("spring.datasource.url");
        if (url == null || url.isBlank()) {
            return "no database URL (the build had one)";
        }
        Set<String> placeholders = new TreeSet<>();
        for (PropertySource<?> source : env.getPropertySources()) {
            if (source.getName().contains(OWN_CONFIGURATION) && source instanceof EnumerablePropertySource<?> own) {
                for (String name : own.getPropertyNames()) {
                    placeholders.addAll(placeholders(String.valueOf(own.getProperty(name))));
                }
            }
        }
        Set<String> read = new LinkedHashSet<>();
        for (PropertySource<?> source : env.getPropertySources()) {
            String name = source.getName();
            if (name.equals("configurationProperties")
                    || name.equals("random")
                    || name.contains(OWN_CONFIGURATION)
                    || source instanceof PropertySource.StubPropertySource) {
                continue;
            }
            if (!(source instanceof EnumerablePropertySource<?> e)) {
                return "the configuration source '" + name + "' cannot be listed";
            }
            for (String key : e.getPropertyNames()) {
                if (conditionMayRead(key, placeholders)) {
                    read.add(key);
                }
            }
        }
        return read.isEmpty() ? null : "a condition may read " + String.join(", ", read);
    }

    /** True unless {@code key} is allowed or outside everything a condition reads. */
    static boolean conditionMayRead(String key, Set<String> placeholders) {
        String n = normalize(key);
        if (ALLOWED.contains(n)) {
            return false;
        }
        return CONDITION_NAMESPACES.stream().anyMatch(n::startsWith)
                || placeholders.stream().map(AheadOfTime::normalize).anyMatch(n::equals)
                || MAPPED.contains(n)
                || PLATFORM_PREFIXES.stream().anyMatch(n::startsWith)
                || n.endsWith(".service.host")
                || n.endsWith(".service.port");
    }

    /** The names {@code ${NAME}} and {@code ${NAME:default}} in a value (nested ones too). */
    static Set<String> placeholders(String value) {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(value);
        while (m.find()) {
            names.add(m.group(1).trim());
        }
        return names;
    }

    /**
     * One form for a key however it is spelt: lower case, without dashes, underscores as dots (an
     * environment variable's relaxed form). Coarser than Spring's own matching, so never less strict.
     */
    static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace("-", "").replace('_', '.');
    }

    private static Set<String> normalized(String... keys) {
        Set<String> set = new LinkedHashSet<>();
        Stream.of(keys).map(AheadOfTime::normalize).forEach(set::add);
        return set;
    }

    static String buildJavaVersion() {
        Properties facts = new Properties();
        try (InputStream in = KanbanApplication.class.getClassLoader().getResourceAsStream(BUILD_FACTS)) {
            if (in != null) {
                facts.load(in);
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return facts.getProperty("java.version", "unknown");
    }
}
