package dev.agentkanban.worker;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentkanban.platform.DatabaseUrl;
import dev.agentkanban.platform.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker's Spring context, on purpose without auto-configuration and without component scanning:
 * nothing of the API (its DataSource, Flyway, web server, features) is created; the only database is
 * the worker's own, migrated from {@code classpath:db/worker}. Deliberately not annotated, so the API's
 * component scan never picks it up; {@link Worker} starts it as the context's only source.
 */
class WorkerConfig {

    private static final Logger log = LoggerFactory.getLogger(WorkerConfig.class);

    /** How the worker's connections name themselves in {@code pg_stat_activity}. */
    static final String APPLICATION_NAME = "agent-kanban-worker";

    @Bean
    WorkerSettings workerSettings(Environment env) {
        return WorkerSettings.from(env);
    }

    /** The embedded PostgreSQL when no WORKER_DATABASE_URL is given (its data in DATA_DIR/worker-postgres); else none. */
    @Bean(destroyMethod = "close")
    WorkerEmbeddedDatabase workerEmbeddedDatabase(WorkerSettings settings, Environment env) throws Exception {
        if (!settings.databaseUrl().isEmpty()) {
            return new WorkerEmbeddedDatabase(null);
        }
        Path dir = Path.of(env.getProperty("DATA_DIR", "data"), "worker-postgres");
        EmbeddedDatabase db = EmbeddedDatabase.start(dir);
        log.info("WORKER_DATABASE_URL is not set: embedded PostgreSQL started, data in {}", dir.toAbsolutePath());
        return new WorkerEmbeddedDatabase(db);
    }

    record WorkerEmbeddedDatabase(EmbeddedDatabase db) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (db != null) {
                db.close();
            }
        }
    }

    @Bean(destroyMethod = "close")
    HikariDataSource workerDataSource(WorkerSettings settings, WorkerEmbeddedDatabase embedded) {
        DatabaseUrl url = embedded.db() != null
                ? DatabaseUrl.parse(embedded.db().jdbcUrl())
                : DatabaseUrl.parse(settings.databaseUrl());
        HikariConfig config = new HikariConfig();
        config.setPoolName("worker");
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.username());
        config.setPassword(url.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        config.addDataSourceProperty("connectTimeout", 5);
        config.addDataSourceProperty("tcpKeepAlive", true);
        HikariDataSource ds = new HikariDataSource(config);
        try {
            refuseApiDatabase(ds);
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/worker")
                    .table("worker_schema_history")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        log.info("worker database {} is ready", url.forLog());
        return ds;
    }

    /** The worker must never share the API's database (SPEC §8): one holding the API's tables is refused. */
    private static void refuseApiDatabase(DataSource ds) {
        boolean api = JdbcClient.create(ds)
                .sql("select to_regclass('public.outbox_events') is not null"
                        + " and to_regclass('public.tasks') is not null")
                .query(Boolean.class)
                .single();
        if (api) {
            throw new IllegalStateException("WORKER_DATABASE_URL names a database holding the API's tables; the worker"
                    + " needs a database of its own");
        }
    }

    @Bean
    JdbcClient workerJdbc(DataSource workerDataSource) {
        return JdbcClient.create(workerDataSource);
    }

    @Bean
    TransactionTemplate workerTransactions(DataSource workerDataSource) {
        return new TransactionTemplate(new DataSourceTransactionManager(workerDataSource));
    }

    @Bean
    JsonMapper workerJson() {
        return JsonMapper.builder().build();
    }

    @Bean
    ApiClient apiClient(WorkerSettings settings, JsonMapper workerJson) {
        return new ApiClient(settings.apiUrl(), settings.apiToken(), settings.requestTimeout(), workerJson);
    }

    @Bean
    ModelSettings modelSettings(Environment env) {
        return ModelSettings.from(env);
    }

    /**
     * The agents this worker runs: the built-in ones (with a model configured, the model-backed agents in
     * place of those they replace) and any other Agent bean, narrowed by {@code kanban.worker.agents}.
     */
    @Bean
    RegisteredAgents registeredAgents(
            WorkerSettings settings,
            ModelSettings model,
            JdbcClient workerJdbc,
            JsonMapper workerJson,
            ObjectProvider<Agent> extra) {
        Map<String, Agent> all = new LinkedHashMap<>();
        List<Agent> builtIn = Agents.builtIn(settings.staleAfter());
        builtIn.forEach(a -> all.put(a.name(), a));
        if (model.enabled()) {
            ModelAgents.REPLACES.values().forEach(replaced -> replaced.forEach(all::remove));
            ModelAgents.create(
                            SpringAiModel.create(model),
                            new ModelStore(workerJdbc, model.dailyTokens()),
                            builtIn,
                            workerJson,
                            model.duplicateSimilarity())
                    .forEach(a -> all.put(a.name(), a));
            log.info("model-backed agents use {} (daily budget {} tokens)", model.describe(), model.dailyTokens());
        }
        extra.orderedStream().forEach(a -> all.put(a.name(), a));
        if (!settings.agents().isEmpty()) {
            List<String> unknown =
                    settings.agents().stream().filter(n -> !all.containsKey(n)).toList();
            if (!unknown.isEmpty()) {
                throw new IllegalStateException(
                        "WORKER_AGENTS names unknown agents " + unknown + "; known: " + all.keySet()
                                + (!model.enabled() && unknown.stream().anyMatch(ModelAgents.REPLACES::containsKey)
                                        ? " (the model-* agents run only when WORKER_MODEL names a model)"
                                        : ""));
            }
            all.keySet().retainAll(settings.agents());
        }
        return new RegisteredAgents(Map.copyOf(all), List.copyOf(all.keySet()));
    }

    record RegisteredAgents(Map<String, Agent> byName, List<String> names) {}

    @Bean
    Projection projection(JdbcClient workerJdbc, TransactionTemplate workerTransactions) {
        return new Projection(workerJdbc, workerTransactions);
    }

    @Bean
    HintSync hintSync(
            ApiClient api,
            JdbcClient workerJdbc,
            JsonMapper workerJson,
            TransactionTemplate workerTransactions,
            WorkerSettings settings) {
        return new HintSync(api, new DraftQueue(workerJdbc, workerJson), workerTransactions, settings);
    }

    @Bean
    JobRunner jobRunner(
            RegisteredAgents agents,
            JdbcClient workerJdbc,
            JsonMapper workerJson,
            Projection projection,
            TransactionTemplate workerTransactions,
            WorkerSettings settings,
            HintSync hintSync) {
        return new JobRunner(
                agents.byName(),
                new JobQueue(workerJdbc, workerJson),
                projection,
                workerTransactions,
                workerJdbc,
                settings,
                hintSync::wake);
    }

    @Bean
    FeedFollower feedFollower(
            ApiClient api,
            Projection projection,
            RegisteredAgents agents,
            WorkerSettings settings,
            JobRunner jobRunner) {
        log.info("worker {} follows {} with agents {}", settings.name(), settings.apiUrl(), agents.names());
        return new FeedFollower(api, projection, agents.names(), settings.pollInterval(), jobRunner::wake);
    }
}
