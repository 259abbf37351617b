package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.TestDatabase;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The start's database initializer: on an up-to-date schema it does not build Flyway at all, and the
 * beans using the database still wait for it; anything else (a new database, a pending, changed or
 * failed migration, another configuration) goes through Spring Boot's Flyway initializer as before, so
 * a migration changed after it was applied still stops the start.
 */
class MigrationsTest {

    private final TestDatabase db = TestDatabase.get().another("migrations");
    private final DriverManagerDataSource dataSource =
            new DriverManagerDataSource(db.jdbcUrl, db.username, db.password);
    private final JdbcClient jdbc = JdbcClient.create(dataSource);
    private final PathMatchingResourcePatternResolver resources = new PathMatchingResourcePatternResolver();

    /** Boot's data source, JDBC and Flyway auto-configuration with the service's initializer, as in the jar. */
    private ApplicationContextRunner start(String... properties) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class,
                        FlywayAutoConfiguration.class))
                .withBean(Migrations.class)
                .withBean(Migrations.DeferFlyway.class)
                .withPropertyValues(
                        "spring.datasource.url=" + db.jdbcUrl,
                        "spring.datasource.username=" + db.username,
                        "spring.datasource.password=" + (db.password == null ? "" : db.password),
                        "spring.flyway.locations=classpath:db/migration")
                .withPropertyValues(properties);
    }

    private Flyway flyway() {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load();
    }

    private int applied() {
        return jdbc.sql("select count(*) from flyway_schema_history where success")
                .query(Integer.class)
                .single();
    }

    @Test
    void aNewDatabaseIsMigratedByFlywayAndThenFoundUpToDate() {
        start().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeanFactory().containsSingleton("flyway")).isTrue();
        });

        assertThat(applied()).isEqualTo(Migrations.shipped(resources).size());
        assertThat(Migrations.upToDate(dataSource, resources)).isTrue();
    }

    @Test
    void anUpToDateSchemaStartsWithoutBuildingFlywayAndTheDatabaseUsersStillWaitForTheCheck() {
        flyway().migrate();

        start().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeanFactory().containsSingleton("flyway")).isFalse();
            assertThat(context.getBeanFactory().containsSingleton("flywayInitializer"))
                    .isFalse();
            String migrations = context.getBeanNamesForType(Migrations.class)[0];
            assertThat(context.getBeanFactory()
                            .getBeanDefinition("jdbcTemplate")
                            .getDependsOn())
                    .contains(migrations)
                    .doesNotContain("flyway", "flywayInitializer");
        });
    }

    @Test
    void theChecksumsAreFlywaysOwn() {
        // on an empty database every migration is pending: its checksum is Flyway's of the file
        Set<Migrations.Entry> flyways = Arrays.stream(flyway().info().all())
                .map(m -> new Migrations.Entry(m.getVersion().getVersion(), m.getDescription(), m.getChecksum()))
                .collect(Collectors.toSet());

        assertThat(Migrations.shipped(resources)).isEqualTo(flyways).hasSizeGreaterThan(40);
    }

    @Test
    void aChangedMigrationStillStopsTheStart() {
        flyway().migrate();
        jdbc.sql("update flyway_schema_history set checksum = checksum + 1 where version = '5'")
                .update();

        start().run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("checksum mismatch"));
    }

    @Test
    void aPendingMigrationIsApplied() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .target("56")
                .load()
                .migrate();
        assertThat(Migrations.upToDate(dataSource, resources)).isFalse();

        start().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeanFactory().containsSingleton("flyway")).isTrue();
        });

        assertThat(applied()).isEqualTo(Migrations.shipped(resources).size());
    }

    @Test
    void aFailedEntryLeavesItToFlyway() {
        flyway().migrate();
        jdbc.sql("update flyway_schema_history set success = false where version = '57'")
                .update();

        assertThat(Migrations.upToDate(dataSource, resources)).isFalse();
    }

    @Test
    void anotherConfigurationLeavesItToFlyway() {
        flyway().migrate();

        // up to date as far as the schema history goes, but Flyway is told something of its own
        start("spring.flyway.target=56").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeanFactory().containsSingleton("flyway")).isTrue();
        });

        FlywayProperties shipped = new FlywayProperties();
        assertThat(Migrations.shippedConfiguration(shipped)).isTrue();
        FlywayProperties ownConnection = new FlywayProperties();
        ownConnection.setUrl(db.jdbcUrl);
        assertThat(Migrations.shippedConfiguration(ownConnection)).isFalse();
    }

    @Test
    void withFlywayOffNothingIsCheckedOrMigrated() {
        start("spring.flyway.enabled=false").run(context -> assertThat(context).hasNotFailed());

        assertThat(jdbc.sql("select to_regclass('flyway_schema_history') is null")
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }
}
