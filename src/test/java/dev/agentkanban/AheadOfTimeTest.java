package dev.agentkanban;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.TestDatabase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.condition.AbstractNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.MethodMetadata;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;

/**
 * The guard of Spring's ahead-of-time code (issue #19): it falls back whenever the run's configuration
 * could change a condition's outcome, and what it lets through is read by no condition of the service's
 * start (its condition evaluation report).
 */
class AheadOfTimeTest {

    private static final String JAVA = String.valueOf(Runtime.version().feature());

    /** The jar's application.yml as Boot loads it (values unresolved). */
    private static PropertySource<?> own;

    @BeforeAll
    static void loadOwnConfiguration() throws Exception {
        own = new YamlPropertySourceLoader()
                .load(
                        "Config resource 'class path resource [application.yml]' via location 'optional:classpath:/'",
                        new ClassPathResource("application.yml"))
                .getFirst();
    }

    /** An environment as a launched serve sees it: variables, arguments, the jar's own file. */
    private static ConfigurableEnvironment environment(Map<String, String> variables, String... args) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        env.getPropertySources()
                .addLast(new MapPropertySource("systemProperties", Map.of("java.home", "/opt/java", "PID", "1")));
        env.getPropertySources()
                .addLast(new SystemEnvironmentPropertySource("systemEnvironment", new HashMap<>(variables)));
        env.getPropertySources().addLast(own);
        if (variables.containsKey("DATABASE_URL")) {
            // what DatabaseUrlEnvironmentPostProcessor adds
            env.getPropertySources()
                    .addLast(new MapPropertySource(
                            "kanbanDatabaseUrl", Map.of("spring.datasource.url", "jdbc:postgresql://db/kanban")));
        }
        return env;
    }

    /** What bin/agent-kanban, the benchmarks and the image's entrypoint pass, and a shell's usual variables. */
    private static Map<String, String> usual() {
        Map<String, String> v = new HashMap<>();
        v.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/kanban");
        v.put("PORT", "8080");
        v.put("ADMIN_USERNAME", "admin");
        v.put("ADMIN_PASSWORD", "secret-secret");
        v.put("SECRET_KEY", "pepper");
        v.put("HOME", "/root");
        v.put("PATH", "/usr/bin");
        v.put("JAVA_HOME", "/opt/java");
        v.put("JAVA_OPTS", "-Xmx256m");
        v.put("MALLOC_ARENA_MAX", "2");
        v.put("PGHOST", "127.0.0.1");
        // the image's: JSON log lines (logging.structured.format.console, read by no condition)
        v.put("LOG_FORMAT", "json");
        v.put("DATA_DIR", "/app/data");
        return v;
    }

    private static Map<String, String> usualAnd(String name, String value) {
        Map<String, String> v = usual();
        v.put(name, value);
        return v;
    }

    @Test
    void theUsualConfigurationUsesTheAheadOfTimeCode() {
        assertThat(AheadOfTime.reasonAgainst(environment(usual()), JAVA)).isNull();
        assertThat(AheadOfTime.reasonAgainst(
                        environment(Map.of(), "--spring.datasource.url=jdbc:postgresql://db/k", "--server.port=0"),
                        JAVA))
                .isNull();
    }

    @Test
    void mcpTurnedOffFallsBack() {
        assertThat(AheadOfTime.reasonAgainst(environment(usualAnd("MCP_ENABLED", "false")), JAVA))
                .contains("MCP_ENABLED");
        assertThat(AheadOfTime.reasonAgainst(environment(usualAnd("KANBAN_MCPENABLED", "false")), JAVA))
                .contains("KANBAN_MCPENABLED");
        assertThat(AheadOfTime.reasonAgainst(environment(usual(), "--kanban.mcp-enabled=false"), JAVA))
                .contains("kanban.mcp-enabled");
    }

    @Test
    void anOidcIssuerFallsBack() {
        assertThat(AheadOfTime.reasonAgainst(
                        environment(usualAnd("OIDC_ISSUER_URI", "https://login.example.com")), JAVA))
                .contains("OIDC_ISSUER_URI");
    }

    @Test
    void anyManagementKeyFallsBack() {
        assertThat(AheadOfTime.reasonAgainst(environment(usual(), "--management.endpoint.foo.bar=x"), JAVA))
                .contains("management.endpoint.foo.bar");
        assertThat(AheadOfTime.reasonAgainst(environment(usualAnd("MANAGEMENT_SERVER_PORT", "9090")), JAVA))
                .contains("MANAGEMENT_SERVER_PORT");
    }

    @Test
    void otherInputsOfConditionsFallBack() {
        for (String variable : List.of(
                "RATE_LIMIT_ENABLED",
                "READ_DATABASE_URL",
                "FORWARD_HEADERS_STRATEGY",
                "SPRING_APPLICATION_JSON",
                "KUBERNETES_SERVICE_HOST",
                "MY_DB_SERVICE_HOST",
                "VCAP_APPLICATION")) {
            assertThat(AheadOfTime.reasonAgainst(environment(usualAnd(variable, "x")), JAVA))
                    .as(variable)
                    .contains(variable);
        }
        assertThat(AheadOfTime.reasonAgainst(environment(usualAnd("SPRING_PROFILES_INCLUDE", "x")), JAVA))
                .contains("SPRING_PROFILES_INCLUDE");
        ConfigurableEnvironment profiled = environment(usual());
        profiled.setActiveProfiles("prod");
        assertThat(AheadOfTime.reasonAgainst(profiled, JAVA)).contains("profiles");
        assertThat(AheadOfTime.reasonAgainst(environment(Map.of("PORT", "1")), JAVA))
                .contains("no database URL");
        assertThat(AheadOfTime.reasonAgainst(environment(usual()), "17")).contains("Java");
        ConfigurableEnvironment file = environment(usual());
        file.getPropertySources()
                .addLast(new MapPropertySource(
                        "Config resource 'file [config/application.yml]' via location 'optional:file:./config/'",
                        Map.of("spring.mail.host", "smtp")));
        assertThat(AheadOfTime.reasonAgainst(file, JAVA)).contains("spring.mail.host");
    }

    /**
     * Every condition the service's start evaluates, by kind: what it reads from the configuration must be
     * kept from the ahead-of-time code by the guard (never allowed, nor a placeholder of an allowed one).
     * A kind not listed here fails the test: a new dependency must not add an unchecked input.
     */
    @Test
    void everyConditionOfTheStartReadsOnlyWhatTheGuardChecks() throws Exception {
        TestDatabase db = TestDatabase.get();
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + db.jdbcUrl));
        if (db.username != null) {
            args.add("--spring.datasource.username=" + db.username);
        }
        if (db.password != null) {
            args.add("--spring.datasource.password=" + db.password);
        }
        Map<String, Set<String>> kinds = new TreeMap<>();
        Map<String, Set<String>> inputs = new LinkedHashMap<>();
        try (ConfigurableApplicationContext context = KanbanApplication.serve(args.toArray(String[]::new))) {
            ConditionEvaluationReport report = ConditionEvaluationReport.get(context.getBeanFactory());
            report.getConditionAndOutcomesBySource()
                    .forEach((source, outcomes) -> outcomes.forEach(o -> {
                        String kind = o.getCondition().getClass().getName();
                        kinds.computeIfAbsent(kind, k -> new TreeSet<>()).add(source);
                    }));
        }
        // the service's own conditions, also those the report does not record (not Boot's kind)
        for (Resource r :
                new PathMatchingResourcePatternResolver().getResources("classpath*:dev/agentkanban/**/*.class")) {
            if (r.getURL().toString().contains("/test-classes/")) {
                continue;
            }
            AnnotationMetadata type = READERS.getMetadataReader(r).getAnnotationMetadata();
            conditionKinds(type.getAnnotations(), type.getClassName(), kinds);
            for (MethodMetadata m : type.getDeclaredMethods()) {
                conditionKinds(m.getAnnotations(), type.getClassName() + "#" + m.getMethodName(), kinds);
            }
        }
        Set<String> unknown = new TreeSet<>();
        kinds.forEach((kind, sources) -> {
            for (String source : sources) {
                inputsOf(kind, elements(source), source, inputs, unknown);
            }
        });
        assertThat(unknown).as("condition kinds the guard does not know").isEmpty();
        Set<String> ownPlaceholders = new TreeSet<>();
        for (String name : ((EnumerablePropertySource<?>) own).getPropertyNames()) {
            ownPlaceholders.addAll(AheadOfTime.placeholders(String.valueOf(own.getProperty(name))));
        }
        List<String> unchecked = new ArrayList<>();
        inputs.forEach((where, keys) -> {
            for (String key : keys) {
                if (key.equals("spring.datasource.url")) {
                    // Boot's embedded-database condition: only whether one is set, which the guard requires
                    continue;
                }
                for (String form : forms(key)) {
                    if (!AheadOfTime.conditionMayRead(form, ownPlaceholders)) {
                        unchecked.add(form + " (" + where + ")");
                    }
                }
            }
        });
        assertThat(unchecked)
                .as("keys conditions read that the guard lets through")
                .isEmpty();
        assertThat(inputs).as("the report was read").isNotEmpty();
    }

    private static void conditionKinds(MergedAnnotations annotations, String source, Map<String, Set<String>> kinds) {
        annotations.stream(Conditional.class).forEach(a -> {
            for (String kind : a.getStringArray("value")) {
                kinds.computeIfAbsent(kind, k -> new TreeSet<>()).add(source);
            }
        });
    }

    /** What a condition of this kind reads where it is used; the parts of a nested one, each by its kind. */
    private static void inputsOf(
            String kind,
            List<MergedAnnotations> elements,
            String where,
            Map<String, Set<String>> inputs,
            Set<String> unknown) {
        Class<?> type;
        try {
            type = Class.forName(kind);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(kind, e);
        }
        if (AbstractNestedCondition.class.isAssignableFrom(type)) {
            for (Class<?> part : type.getDeclaredClasses()) {
                MergedAnnotations.from(part).stream(Conditional.class).forEach(a -> {
                    for (Class<?> nested : a.getClassArray("value")) {
                        inputsOf(
                                nested.getName(),
                                List.of(MergedAnnotations.from(part)),
                                where + " > " + part.getName(),
                                inputs,
                                unknown);
                    }
                });
            }
            return;
        }
        List<String> read = KNOWN.get(kind);
        if (read == null) {
            unknown.add(kind + " (" + where + ")");
            return;
        }
        Set<String> keys = new TreeSet<>(read);
        if (kind.endsWith(".OnPropertyCondition")) {
            keys.addAll(propertyNames(elements, where));
        }
        if (kind.endsWith(".OnExpressionCondition")) {
            keys.addAll(expressionNames(elements, where));
        }
        inputs.computeIfAbsent(where + " " + kind, k -> new TreeSet<>()).addAll(keys);
    }

    /** The key, its environment variable and a key under it; with the placeholders the jar's file gives it. */
    private static Set<String> forms(String key) {
        Set<String> forms = new TreeSet<>();
        String k = key.endsWith(".") ? key + "x" : key;
        forms.add(k);
        forms.add(k.toUpperCase().replace('.', '_').replace("-", ""));
        if (!key.endsWith(".") && !key.equals(key.toUpperCase())) {
            forms.add(k + ".x");
        }
        for (String name : ((EnumerablePropertySource<?>) own).getPropertyNames()) {
            if (name.equals(key) || name.startsWith(key.endsWith(".") ? key : key + ".")) {
                forms.addAll(AheadOfTime.placeholders(String.valueOf(own.getProperty(name))));
            }
        }
        return forms;
    }

    private static List<String> propertyNames(List<MergedAnnotations> elements, String source) {
        List<String> names = new ArrayList<>();
        for (MergedAnnotations annotations : elements) {
            annotations.stream(ConditionalOnProperty.class).forEach(a -> names.addAll(names(a)));
            annotations.stream(ConditionalOnBooleanProperty.class).forEach(a -> names.addAll(names(a)));
        }
        assertThat(names).as("the property names of " + source).isNotEmpty();
        return names;
    }

    private static List<String> names(MergedAnnotation<?> a) {
        String prefix = a.getString("prefix");
        List<String> names = new ArrayList<>();
        for (String attribute : List.of("name", "value")) {
            for (String n : a.getStringArray(attribute)) {
                names.add(prefix.isEmpty() ? n : prefix.endsWith(".") ? prefix + n : prefix + "." + n);
            }
        }
        return names;
    }

    private static List<String> expressionNames(List<MergedAnnotations> elements, String source) {
        List<String> names = new ArrayList<>();
        for (MergedAnnotations annotations : elements) {
            annotations.stream(ConditionalOnExpression.class).forEach(a -> {
                String expression = a.getString("value");
                Set<String> found = AheadOfTime.placeholders(expression);
                assertThat(found)
                        .as("the expression of " + source + " reads properties only as ${...}: " + expression)
                        .isNotEmpty();
                assertThat(expression).doesNotContain("environment");
                names.addAll(found);
            });
        }
        return names;
    }

    private static final MetadataReaderFactory READERS = new SimpleMetadataReaderFactory();

    /** The annotations of the class or the methods of {@code Class#method} a report's source names (read without loading it). */
    private static List<MergedAnnotations> elements(String source) {
        try {
            int hash = source.indexOf('#');
            AnnotationMetadata type = READERS.getMetadataReader(hash < 0 ? source : source.substring(0, hash))
                    .getAnnotationMetadata();
            if (hash < 0) {
                return List.of(type.getAnnotations());
            }
            String method = source.substring(hash + 1);
            List<MergedAnnotations> methods = new ArrayList<>();
            for (MethodMetadata m : type.getDeclaredMethods()) {
                if (m.getMethodName().equals(method)) {
                    methods.add(m.getAnnotations());
                }
            }
            return methods;
        } catch (IOException e) {
            throw new AssertionError(source, e);
        }
    }

    /**
     * Condition kinds and what each reads from the configuration besides its annotation's names (read from
     * their code: the keys, or a prefix ending in a dot). Nested conditions are checked through their parts.
     */
    private static final Map<String, List<String>> KNOWN = new HashMap<>();

    private static void known(String kind, String... reads) {
        KNOWN.put(kind, List.of(reads));
    }

    static {
        String boot = "org.springframework.boot.";
        String condition = boot + "autoconfigure.condition.";
        // the annotation's names (read by propertyNames, expressionNames)
        known(condition + "OnPropertyCondition");
        known(condition + "OnExpressionCondition");
        // the jar's classes, the other beans, the outcomes of enclosing configurations: the same in the run
        known(condition + "OnClassCondition");
        known(condition + "OnBeanCondition");
        known(condition + "ConditionEvaluationReport$AncestorsMatchedCondition");
        known(boot + "webmvc.autoconfigure.DispatcherServletAutoConfiguration$DefaultDispatcherServletCondition");
        known(boot + "webmvc.autoconfigure.DispatcherServletAutoConfiguration$DispatcherServletRegistrationCondition");
        known(boot + "actuate.autoconfigure.startup.StartupEndpointAutoConfiguration$ApplicationStartupCondition");
        known(
                boot
                        + "micrometer.metrics.autoconfigure.logging.logback.LogbackMetricsAutoConfiguration$LogbackLoggingCondition");
        // whether a pooled data source class is in the jar
        known(boot + "jdbc.autoconfigure.DataSourceAutoConfiguration$PooledDataSourceAvailableCondition");
        // serve is always a servlet application, never a WAR
        known(condition + "OnWebApplicationCondition");
        known(condition + "OnWarDeploymentCondition");
        // resources in the jar (classpath: locations)
        known(condition + "OnResourceCondition");
        // the JDK's version (the guard requires the build's) and the property
        known(condition + "OnThreadingCondition", "spring.threads.virtual.enabled");
        // the templates' settings of every template engine
        known(
                boot + "webmvc.autoconfigure.error.ErrorMvcAutoConfiguration$ErrorTemplateMissingCondition",
                "spring.thymeleaf.",
                "spring.freemarker.",
                "spring.groovy.template.",
                "spring.mustache.",
                "spring.mvc.view.");
        known(
                boot + "autoconfigure.context.MessageSourceAutoConfiguration$ResourceBundleCondition",
                "spring.messages.basename");
        known(
                boot + "autoconfigure.info.ProjectInfoAutoConfiguration$GitResourceAvailableCondition",
                "spring.info.git.location");
        known(boot + "autoconfigure.web.OnEnabledResourceChainCondition", "spring.web.resources.chain.");
        // whether a URL is set: the guard requires one, as in the build
        known(
                boot + "jdbc.autoconfigure.DataSourceAutoConfiguration$EmbeddedDatabaseCondition",
                "spring.datasource.url");
        known(boot + "sql.autoconfigure.init.OnSqlInitializationCondition", "spring.sql.init.mode");
        known(
                boot + "security.oauth2.client.autoconfigure.ClientsConfiguredCondition",
                "spring.security.oauth2.client.registration.");
        known(
                boot
                        + "security.oauth2.server.authorization.autoconfigure.servlet.RegisteredClientsConfiguredCondition",
                "spring.security.oauth2.authorizationserver.client.");
        // the actuator: management.*, and the cloud platform (exposure on Cloud Foundry)
        String platform = "spring.main.cloud-platform";
        known(
                boot + "actuate.autoconfigure.endpoint.condition.OnAvailableEndpointCondition",
                "management.",
                "spring.jmx.enabled",
                platform,
                "KUBERNETES_SERVICE_HOST",
                "VCAP_APPLICATION",
                "DYNO",
                "WEBSITE_SITE_NAME",
                "NOMAD_ALLOC_ID",
                "HC_LANDSCAPE",
                "AWS_EXECUTION_ENV",
                "ECS_CONTAINER_METADATA_URI_V4",
                "MY_SERVICE_HOST",
                "MY_SERVICE_PORT");
        known(boot + "actuate.autoconfigure.info.OnEnabledInfoContributorCondition", "management.");
        known(boot + "health.autoconfigure.contributor.OnEnabledHealthIndicatorCondition", "management.");
        known(boot + "micrometer.metrics.autoconfigure.export.OnMetricsExportEnabledCondition", "management.");
        // management.server.port (server.port counts only when that is set)
        known(boot + "actuate.autoconfigure.web.server.OnManagementPortCondition", "management.server.port");
        // the service's own: kanban.oidc.issuer-uri (not a Boot condition, so not in the report)
        known("dev.agentkanban.identity.OidcSettings$Configured", "kanban.oidc.issuer-uri");
    }
}
