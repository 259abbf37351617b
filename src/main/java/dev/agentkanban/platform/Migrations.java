package dev.agentkanban.platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.core.Ordered;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The database initializer of the service's start (issue #19): Flyway is not even built when the schema
 * history already records exactly this build's migrations, each with the checksum of its file here;
 * otherwise Spring Boot's own {@link FlywayMigrationInitializer} is created and migrates as it always
 * did (validating the history against the files, applying what is pending, stopping the start on a
 * changed migration).
 *
 * <p>Building the {@code Flyway} object (its configuration, plugins and resolvers) and its validation
 * cost about a second of CPU at every start, and on an up-to-date database they find nothing to do:
 * this check compares what Flyway's validation compares (version, description, type and checksum of
 * every migration, no failed or unknown entry) with one query. A migration changed after it was applied
 * changes its checksum here, so the check fails and Flyway's validation reports it as before. The quick
 * path is taken only with the configuration this jar ships (its own location on the service's data
 * source, the default history table and naming, no callbacks, Java migrations, strategy or target);
 * anything else goes through Flyway. {@code MigrationsTest} checks that the checksums here are Flyway's
 * own for every migration.
 *
 * <p>This bean is the database initializer that the beans using the database wait for
 * ({@link Detector}, registered in {@code META-INF/spring.factories}); Boot's Flyway beans are made lazy
 * and taken out of that order ({@link DeferFlyway}), so they are created only when needed.
 */
@Component
class Migrations implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(Migrations.class);
    private static final String LOCATION = "classpath:db/migration";
    private static final String TABLE = "flyway_schema_history";
    private static final String BOOT_FLYWAY = "org.springframework.boot.flyway.";
    private static final Pattern SQL_MIGRATION = Pattern.compile("^V([0-9][0-9._]*)__(.*)\\.sql$");

    /** One applied or shipped versioned SQL migration, as the schema history records it. */
    record Entry(String version, String description, int checksum) {}

    private final ObjectProvider<FlywayMigrationInitializer> flyway;
    private final ObjectProvider<FlywayProperties> properties;
    private final ObjectProvider<FlywayConnectionDetails> connectionDetails;
    private final ObjectProvider<DataSource> dataSource;
    private final ObjectProvider<DataSource> flywayDataSource;
    private final List<ObjectProvider<?>> extensions;
    private final ObjectProvider<FlywayConfigurationCustomizer> customizers;
    private final ResourcePatternResolver resources;

    Migrations(
            ObjectProvider<FlywayMigrationInitializer> flyway,
            ObjectProvider<FlywayProperties> properties,
            ObjectProvider<FlywayConnectionDetails> connectionDetails,
            ObjectProvider<DataSource> dataSource,
            @FlywayDataSource ObjectProvider<DataSource> flywayDataSource,
            ObjectProvider<Callback> callbacks,
            ObjectProvider<JavaMigration> javaMigrations,
            ObjectProvider<FlywayMigrationStrategy> strategies,
            ObjectProvider<FlywayConfigurationCustomizer> customizers,
            ResourcePatternResolver resources) {
        this.flyway = flyway;
        this.properties = properties;
        this.connectionDetails = connectionDetails;
        this.dataSource = dataSource;
        this.flywayDataSource = flywayDataSource;
        // beans that Boot's auto-configuration would hand to Flyway, changing what it does
        this.extensions = List.of(callbacks, javaMigrations, strategies);
        this.customizers = customizers;
        this.resources = resources;
    }

    @Override
    public void afterPropertiesSet() {
        FlywayProperties config = properties.getIfAvailable();
        if (config == null) {
            return; // no Boot Flyway configuration (spring.flyway.enabled=false): nothing to migrate
        }
        if (shippedConfiguration(config) && upToDate()) {
            log.info("Schema is up to date: the schema history records this build's migrations with their checksums");
            return;
        }
        // Boot's initializer: creating it builds Flyway and migrates (or stops the start)
        flyway.getObject();
    }

    private boolean upToDate() {
        FlywayConnectionDetails connection = connectionDetails.getIfAvailable();
        if (connection != null && (connection.getJdbcUrl() != null || connection.getUsername() != null)) {
            return false; // Flyway connects on its own (spring.flyway.url / user, DATABASE_SESSION_URL)
        }
        DataSource db = dataSource.getIfUnique();
        if (db == null
                || flywayDataSource.getIfAvailable() != null
                || extensions.stream().anyMatch(e -> e.stream().findAny().isPresent())
                // Boot's own customizers only set the database-specific properties (none is set here)
                || customizers.stream().anyMatch(c -> !c.getClass().getName().startsWith(BOOT_FLYWAY))) {
            return false;
        }
        return upToDate(db, resources);
    }

    /** True when Flyway's migrate would find nothing to do and nothing to report on this database. */
    static boolean upToDate(DataSource db, ResourcePatternResolver resources) {
        Set<Entry> shipped = shipped(resources);
        if (shipped == null) {
            return false;
        }
        try {
            Set<Entry> applied = applied(db);
            return applied != null && applied.equals(shipped);
        } catch (SQLException e) {
            // Flyway will say what is wrong with the database (and retry when told to)
            return false;
        }
    }

    /** The configuration this jar ships: Boot's defaults with the one location application.yml names. */
    static boolean shippedConfiguration(FlywayProperties config) {
        return config.getLocations().equals(List.of(LOCATION))
                && config.getUrl() == null
                && config.getUser() == null
                && TABLE.equals(config.getTable())
                && config.getSchemas().isEmpty()
                && config.getDefaultSchema() == null
                && "V".equals(config.getSqlMigrationPrefix())
                && "__".equals(config.getSqlMigrationSeparator())
                && config.getSqlMigrationSuffixes().equals(List.of(".sql"))
                && StandardCharsets.UTF_8.equals(config.getEncoding())
                && config.getCallbackLocations().isEmpty()
                && !config.isSkipDefaultResolvers()
                && (config.getTarget() == null || config.getTarget().equals("latest"))
                && config.getInitSqls().isEmpty();
    }

    /**
     * This build's migrations with Flyway's checksums, or null when the location holds anything but
     * versioned SQL migrations (repeatable ones, script configurations, ...): Flyway decides then.
     */
    static Set<Entry> shipped(ResourcePatternResolver resources) {
        Set<Entry> entries = new HashSet<>();
        try {
            for (Resource r : resources.getResources("classpath*:db/migration/**/*")) {
                if (!r.isReadable()) {
                    continue; // a folder
                }
                Matcher m = SQL_MIGRATION.matcher(r.getFilename() == null ? "" : r.getFilename());
                if (!m.matches()) {
                    return null;
                }
                String version = MigrationVersion.fromVersion(m.group(1).replace('_', '.'))
                        .getVersion();
                if (!entries.add(new Entry(version, m.group(2).replace('_', ' '), checksum(r)))) {
                    return null;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries.isEmpty() ? null : entries;
    }

    /**
     * Flyway's checksum of a file ({@code ChecksumCalculator}): CRC-32 over its lines in UTF-8, line
     * ends left out, a byte order mark at a line's start left out.
     */
    static int checksum(Resource resource) throws IOException {
        CRC32 crc = new CRC32();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(resource.getInputStream(), StandardCharsets.UTF_8), 4096)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }

    /**
     * The schema history of the connection's schema (where Flyway keeps it when no schema is
     * configured), or null when it has no history or an entry that is not a successful versioned SQL
     * migration (failed, baseline, schema creation, repeatable, Java).
     */
    static Set<Entry> applied(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            String schema;
            try (ResultSet rs =
                    s.executeQuery("select current_schema(), to_regclass(quote_ident(current_schema()) || '." + TABLE
                            + "') is not null")) {
                if (!rs.next() || rs.getString(1) == null || !rs.getBoolean(2)) {
                    return null;
                }
                schema = rs.getString(1);
            }
            Set<Entry> entries = new HashSet<>();
            String sql = "select version, description, type, checksum, success from " + quote(schema) + "." + TABLE;
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    String version = rs.getString(1);
                    int checksum = rs.getInt(4);
                    boolean noChecksum = rs.wasNull();
                    if (version == null
                            || noChecksum
                            || !"SQL".equals(rs.getString(3))
                            || !rs.getBoolean(5)
                            || !entries.add(new Entry(version, rs.getString(2), checksum))) {
                        return null;
                    }
                }
            }
            return entries;
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Makes {@link Migrations} the database initializer that the beans using the database wait for. */
    static final class Detector extends AbstractBeansOfTypeDatabaseInitializerDetector {

        @Override
        protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
            return Set.of(Migrations.class);
        }
    }

    /**
     * Boot's {@code Flyway} and {@link FlywayMigrationInitializer} beans lazy, and no other bean waiting
     * for them: {@link Migrations} creates them when the schema is not up to date. Runs after Boot's
     * {@code DependsOnDatabaseInitializationPostProcessor} (order 0), which makes every bean using the
     * database depend on all database initializers, these two included; Spring's ahead-of-time code
     * records the result.
     */
    @Component
    static final class DeferFlyway implements BeanFactoryPostProcessor, Ordered {

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            Set<String> deferred = new HashSet<>();
            deferred.addAll(Arrays.asList(beanFactory.getBeanNamesForType(Flyway.class, true, false)));
            deferred.addAll(
                    Arrays.asList(beanFactory.getBeanNamesForType(FlywayMigrationInitializer.class, true, false)));
            if (deferred.isEmpty()) {
                return;
            }
            // and they do not wait for this initializer either (they are what it falls back on)
            Set<String> initializers = Set.of(beanFactory.getBeanNamesForType(Migrations.class, true, false));
            for (String name : beanFactory.getBeanDefinitionNames()) {
                BeanDefinition definition = beanFactory.getBeanDefinition(name);
                boolean isDeferred = deferred.contains(name);
                if (isDeferred) {
                    definition.setLazyInit(true);
                }
                Set<String> dropped = isDeferred ? initializers : deferred;
                String[] dependsOn = definition.getDependsOn();
                if (dependsOn != null && Arrays.stream(dependsOn).anyMatch(dropped::contains)) {
                    definition.setDependsOn(Arrays.stream(dependsOn)
                            .filter(d -> !dropped.contains(d))
                            .toArray(String[]::new));
                }
            }
        }
    }
}
