package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

class ApiDocsTest extends ApiTest {

    @Autowired
    ConfigurableApplicationContext context;

    /** springdoc's beans wait for the first request of the document (issue #19: no Jackson 2 at start). */
    @Test
    void springdocsBeansAreMadeOnFirstUse() {
        var factory = context.getBeanFactory();
        for (String name : List.of(
                "springdocObjectMapperProvider",
                "openApiResource",
                "openAPIBuilder",
                "modelConverterRegistrar",
                "kanbanApi",
                "snakeCaseModels")) {
            assertThat(factory.getBeanDefinition(name).isLazyInit()).as(name).isTrue();
        }
        // the converters (snake_case among them) are registered before the document is made
        assertThat(factory.getBeanDefinition("openApiResource").getDependsOn()).contains("modelConverterRegistrar");
    }

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
        String page = URI.create(docs.header("Location").orElseThrow()).getPath();
        Response index = http.get(page);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("swagger-ui-bundle.js").doesNotContain("https://");
        assertThat(http.get("/webjars/swagger-ui/swagger-ui-bundle.js").status())
                .isEqualTo(200);
        assertThat(http.get("/webjars/swagger-ui/swagger-ui-standalone-preset.js")
                        .status())
                .isEqualTo(200);
        assertThat(http.get("/webjars/swagger-ui/swagger-ui.css").status()).isEqualTo(200);
        assertThat(http.get("/docs/reference.js").body()).contains("url: '/v3/api-docs'");
        // springdoc's own page's addresses lead there too
        assertThat(http.get("/swagger-ui.html").header("Location").orElseThrow())
                .endsWith("/docs/index.html");
    }
}
