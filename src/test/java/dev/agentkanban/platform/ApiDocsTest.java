package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ApiDocsTest extends ApiTest {

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        Response r = http.get("/v3/api-docs");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asString()).startsWith("3.");
        assertThat(doc.get("info").get("title").asString()).isEqualTo("Agent Kanban API");
        assertThat(doc.get("info").get("version").asString()).isNotBlank();
        assertThat(doc.get("paths").has("/api/v1/boards")).isTrue();
        assertThat(doc.get("paths").has("/api/v1/health")).isTrue();
        assertThat(doc.get("paths").has("/error")).isFalse();
    }

    @Test
    void schemasUseTheWireNamesInSnakeCase() {
        JsonNode column =
                http.get("/v3/api-docs").json().get("components").get("schemas").get("BoardColumn");
        assertThat(column.get("properties").has("wip_limit")).isTrue();
        assertThat(column.get("properties").has("wipLimit")).isFalse();
    }

    @Test
    void theBrowsableReferenceIsServedWithoutAnyExternalResource() {
        Response docs = http.get("/docs");
        assertThat(docs.status()).isEqualTo(302);
        String page = docs.header("Location").orElseThrow();
        Response index = http.get(page);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("swagger-ui-bundle.js").doesNotContain("https://");
        assertThat(http.get("/swagger-ui/swagger-ui-bundle.js").status()).isEqualTo(200);
        assertThat(http.get("/v3/api-docs/swagger-config").json().get("url").asString())
                .isEqualTo("/v3/api-docs");
    }
}
