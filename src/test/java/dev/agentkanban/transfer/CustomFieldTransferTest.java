package dev.agentkanban.transfer;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Custom fields (issue 17) travel with the CSV export and import and with the workspace JSON backup. */
class CustomFieldTransferTest extends ApiTest {

    private static final String CSV = "text/csv";

    private long boardWithFields(Http client, String name) {
        long board = new TaskFixtures(client).board(name)[0];
        define(client, board, obj("name", "Points", "type", "number", "visible", true));
        define(client, board, obj("name", "Labels", "type", "multi_select", "options", List.of("ui", "api", "docs")));
        define(client, board, obj("name", "Due on", "type", "date"));
        return board;
    }

    private static void define(Http client, long board, Map<String, Object> body) {
        Response r = client.post("/api/v1/boards/" + board + "/fields", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void theCsvCarriesOneColumnPerFieldAndItsImportChecksThem() {
        long source = boardWithFields(http, "CSV fields");
        new TaskFixtures(http)
                .task(source, "with values", "fields", Map.of("Points", 5, "Labels", List.of("docs", "ui")));
        new TaskFixtures(http).task(source, "without");

        Response export = http.get("/api/v1/export/csv?board_id=" + source);
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        List<Csv.Row> rows = Csv.parse(export.body());
        List<String> header = rows.getFirst().fields();
        assertThat(header).endsWith("cf.Points", "cf.Labels", "cf.Due on");
        List<String> first = rows.get(1).fields();
        assertThat(first.get(header.indexOf("cf.Points"))).isEqualTo("5");
        assertThat(first.get(header.indexOf("cf.Labels"))).isEqualTo("ui, docs");
        assertThat(first.get(header.indexOf("cf.Due on"))).isEmpty();

        long target = boardWithFields(http, "CSV fields copy");
        Response imported = TransferFixtures.post(http, "/api/v1/import/csv?board_id=" + target, CSV, export.body());
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        JsonNode tasks = http.get("/api/v1/tasks?board_id=" + target + "&sort=cf.Points")
                .json()
                .get("items");
        assertThat(tasks.get(0).get("fields").get("Points").asInt()).isEqualTo(5);
        assertThat(tasks.get(0).get("fields").get("Labels").toString()).isEqualTo("[\"ui\",\"docs\"]");
        assertThat(tasks.get(1).get("fields").isEmpty()).isTrue();

        long before =
                http.get("/api/v1/tasks?board_id=" + target).json().get("total").asLong();
        Response refused = TransferFixtures.post(
                http, "/api/v1/import/csv?board_id=" + target, CSV, "title,cf.points\nfine,3\nwrong,many\n");
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("line 3: cf.Points");
        assertThat(http.get("/api/v1/tasks?board_id=" + target)
                        .json()
                        .get("total")
                        .asLong())
                .as("nothing of a refused file is imported")
                .isEqualTo(before);
    }

    @Test
    void theWorkspaceBackupRestoresFieldsAndValues() {
        long ws = otherWorkspace("fields-backup");
        Http owner = clientFor("fields-backup-owner", ws, Role.ADMIN);
        long board = boardWithFields(owner, "Backed up");
        long task = new TaskFixtures(owner)
                .task(
                        board,
                        "valued",
                        "fields",
                        Map.of("Points", 2.5, "Due on", "2027-01-31", "Labels", List.of("api")));
        assertThat(task).isPositive();
        Response export = owner.get("/api/v1/export/json");
        assertThat(export.status()).as(export.body()).isEqualTo(200);

        long target = otherWorkspace("fields-restored");
        Http restorer = clientFor("fields-restorer", target, Role.ADMIN);
        Response restored = TransferFixtures.send(
                restorer,
                "POST",
                "/api/v1/import/json",
                "application/json",
                export.body().getBytes(StandardCharsets.UTF_8));
        assertThat(restored.status()).as(restored.body()).isIn(200, 201);
        long copy = restorer.get("/api/v1/boards")
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asLong();
        JsonNode fields = restorer.get("/api/v1/boards/" + copy + "/fields").json();
        assertThat(fields.findValuesAsString("name")).containsExactly("Points", "Labels", "Due on");
        assertThat(fields.get(0).get("visible").asBoolean()).isTrue();
        JsonNode values = restorer.get("/api/v1/tasks?board_id=" + copy)
                .json()
                .get("items")
                .get(0)
                .get("fields");
        assertThat(values.get("Points").asDouble()).isEqualTo(2.5);
        assertThat(values.get("Due on").asString()).isEqualTo("2027-01-31");
        assertThat(values.get("Labels").toString()).isEqualTo("[\"api\"]");
    }
}
