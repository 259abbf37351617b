package dev.agentkanban.platform;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentkanban.KanbanApplication;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the service acknowledged is still there after it stops and starts again. */
class RestartTest {

    private Properties savedSystemProperties;

    @BeforeEach
    void saveSystemProperties() {
        savedSystemProperties = (Properties) System.getProperties().clone();
    }

    @AfterEach
    void restoreSystemProperties() {
        System.setProperties(savedSystemProperties);
    }

    @Test
    void dataSurvivesAnAppRestartOnAnExternalDatabase() {
        String[] args = RunningApp.testDatabase(TestDatabase.get().jdbcUrl).toArray(String[]::new);
        long id;
        try (RunningApp app = RunningApp.start(args)) {
            Response created = app.http.post("/api/v1/boards", obj("name", "Survives a restart"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            id = created.id();
        }
        try (RunningApp app = RunningApp.start(args)) {
            Response read = app.http.get("/api/v1/boards/" + id);
            assertThat(read.status()).as(read.body()).isEqualTo(200);
            assertThat(read.json().get("name").asString()).isEqualTo("Survives a restart");
        }
    }

    @Test
    void dataSurvivesAnAppRestartOnTheEmbeddedDefault(@TempDir Path dataDir) throws Exception {
        assumeTrue(
                System.getenv("DATABASE_URL") == null && System.getenv("SPRING_DATASOURCE_URL") == null,
                "a database is configured in the environment, so the embedded default is not used");
        System.clearProperty("DATABASE_URL");
        System.clearProperty("spring.datasource.url");
        System.setProperty("DATA_DIR", dataDir.toString());

        long id;
        try (RunningApp app = RunningApp.of(KanbanApplication.serve("--server.port=0"))) {
            Response created = app.http.post("/api/v1/boards", obj("name", "Kept on disk"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            id = created.id();
        }
        assertThat(Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION")))
                .isTrue();
        try (RunningApp app = RunningApp.of(KanbanApplication.serve("--server.port=0"))) {
            Response read = app.http.get("/api/v1/boards/" + id);
            assertThat(read.status()).as(read.body()).isEqualTo(200);
            assertThat(read.json().get("name").asString()).isEqualTo("Kept on disk");
        }
    }
}
