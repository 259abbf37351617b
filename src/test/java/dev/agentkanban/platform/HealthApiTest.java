package dev.agentkanban.platform;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class HealthApiTest extends ApiTest {

    @Test
    void livenessAnswersOk() {
        Response r = http.get("/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("ok");
    }

    @Test
    void simpleHealthAnswersOk() {
        Response r = http.get("/api/v1/health/simple");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("ok");
    }

    /**
     * Seed 002's health paths ({@code /api/health/simple} for load balancers, {@code /api/health/},
     * {@code /api/status}) answered 401: they answer without credentials as ours do, even with a bad one.
     */
    @Test
    void seed002sHealthPathsAnswerWithoutCredentials() {
        for (String path : new String[] {"/api/health/simple", "/api/health", "/api/health/", "/api/status"}) {
            Response r = http.anonymous().get(path);
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
            Response badToken = http.withToken("not-a-token").get(path);
            assertThat(badToken.status()).as(path + ": " + badToken.body()).isEqualTo(200);
        }
        assertThat(http.anonymous()
                        .get("/api/health/simple")
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("ok");
        JsonNode report = http.anonymous().get("/api/health/").json();
        assertThat(report.get("database").get("status").asString()).isEqualTo("up");
        assertThat(http.anonymous().get("/api/status").json().get("service").asString())
                .isEqualTo("agent-kanban");
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    /**
     * Issue #19: Kotlin's reflection is on the class path (the worker's model clients) but nothing in
     * the service may start it: the actuator's Jackson 2 mapper registered Jackson's Kotlin module, and
     * springdoc's Kotlin support, about a thousand classes initialised on every start.
     */
    @Test
    void noBeanStartsKotlinReflection() {
        var kotlin = java.util.Arrays.stream(context.getBeanDefinitionNames())
                .filter(name -> {
                    Class<?> type = context.getType(name);
                    return name.toLowerCase(java.util.Locale.ROOT).contains("kotlin")
                            || name.equals("jackson2EndpointJsonMapper")
                            || (type != null
                                    && type.getName()
                                            .toLowerCase(java.util.Locale.ROOT)
                                            .contains("kotlin"));
                })
                .toList();
        assertThat(kotlin).isEmpty();
        assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
    }

    @org.springframework.beans.factory.annotation.Value("${spring.datasource.hikari.maximum-pool-size}")
    int poolSize;

    @Test
    void thePoolSizeDefaultsTo20() throws Exception {
        var yaml = new org.springframework.beans.factory.config.YamlPropertiesFactoryBean();
        yaml.setResources(new org.springframework.core.io.ClassPathResource("application.yml"));
        assertThat(yaml.getObject().getProperty("spring.datasource.hikari.maximum-pool-size"))
                .isEqualTo("${DB_POOL_SIZE:20}");
    }

    @Test
    void healthReportsTheDatabaseMigrationsAndPool() {
        Response r = http.get("/api/v1/health");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode health = r.json();
        assertThat(health.get("status").asString()).isEqualTo("ok");
        assertThat(health.get("version").asString()).isNotBlank();
        assertThat(health.get("uptime_seconds").asLong()).isNotNegative();
        assertThat(health.get("database").get("status").asString()).isEqualTo("up");
        assertThat(health.get("database").get("latency_ms").asLong()).isNotNegative();
        assertThat(health.get("migrations").get("version").asString()).isNotBlank();
        assertThat(health.get("migrations").get("pending").asInt()).isZero();
        JsonNode pool = health.get("pool");
        for (String field : new String[] {"active", "idle", "total", "max", "waiting"}) {
            assertThat(pool.has(field)).as(field).isTrue();
        }
        assertThat(pool.get("max").asInt()).isEqualTo(poolSize);
        assertThat(pool.get("total").asInt()).isPositive();
        assertThat(health.get("live_connections").asInt()).isZero();
        assertThat(health.has("worker_lag")).isTrue();
        assertThat(health.get("worker_lag").isNull()).isTrue();
    }

    @Test
    void statusDescribesTheServiceAndCountsTheWorkspacesBoardsAndTasks() {
        long board = http.post("/api/v1/boards", obj("name", "Counted")).id();
        jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title)
                select workspace_id, board_id, id, 1, 'counted' from board_columns where board_id = :b order by position limit 1
                """).param("b", board).update();

        Response r = http.get("/api/v1/status");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode status = r.json();
        long workspace = status.get("workspace_id").asLong();
        assertThat(status.get("service").asString()).isEqualTo("agent-kanban");
        assertThat(status.get("version").asString()).isNotBlank();
        assertThat(status.get("environment").asString()).isEqualTo("development");
        assertThat(status.get("uptime_seconds").asLong()).isNotNegative();
        assertThat(status.get("boards").asLong()).isPositive().isEqualTo(countIn("boards", workspace));
        assertThat(status.get("tasks").asLong()).isPositive().isEqualTo(countIn("tasks", workspace));
    }

    @Test
    void withoutADatabaseHealthAnswers503FastWhileLivenessStaysOk() {
        // nothing listens on port 1; Flyway is off so that the app starts at all
        try (RunningApp app = RunningApp.startWithoutDatabase(
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/kanban",
                "--spring.flyway.enabled=false",
                "--spring.datasource.hikari.initialization-fail-timeout=-1")) {
            Response health = timed(() -> app.http.get("/api/v1/health"));
            assertThat(health.status()).as(health.body()).isEqualTo(503);
            assertThat(health.json().get("status").asString()).isEqualTo("unavailable");
            assertThat(health.json().get("database").get("status").asString()).isEqualTo("down");
            assertThat(health.json().has("pool")).isTrue();

            assertThat(app.http.get("/health").status()).isEqualTo(200);
            assertThat(app.http.get("/api/v1/health/simple").status()).isEqualTo(200);
            // orchestrators: alive and ready (it answers, with 503 problems, better than a balancer with
            // no instance left); the database's state is in /healthz and /actuator/health
            assertThat(app.http.get("/livez").status()).isEqualTo(200);
            assertThat(timed(() -> app.http.get("/readyz")).status()).isEqualTo(200);
            assertThat(timed(() -> app.http.get("/healthz")).status()).isEqualTo(503);
            Response actuator = timed(() -> app.http.get("/actuator/health"));
            assertThat(actuator.status()).as(actuator.body()).isEqualTo(503);

            Response api = timed(() -> app.http.get("/api/v1/boards"));
            assertThat(api.status()).isEqualTo(503);
            assertThat(api.header("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(api.header("Retry-After")).isPresent();
            assertThat(timed(() -> app.http.get("/api/v1/status")).status()).isEqualTo(503);
        }
    }

    private long countIn(String table, long workspace) {
        return jdbc.sql("select count(*) from " + table + " where workspace_id = :ws")
                .param("ws", workspace)
                .query(Long.class)
                .single();
    }

    /**
     * Runs a request that must not wait for the pool's 30 s acquire timeout. Not a speed figure: half
     * of that timeout tells the two apart even on a busy machine.
     */
    private static Response timed(Supplier<Response> request) {
        long start = System.nanoTime();
        Response r = request.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        return r;
    }
}
