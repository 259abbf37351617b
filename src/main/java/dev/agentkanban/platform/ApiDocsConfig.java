package dev.agentkanban.platform;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /v3/api-docs}) and its browsable reference ({@code /docs}), generated
 * from the controllers by springdoc.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfig {

    @Bean
    OpenAPI kanbanApi(ServiceInfo info) {
        return new OpenAPI()
                .info(new Info()
                        .title("Agent Kanban API")
                        .version(info.version())
                        .description("""
                        A kanban and task service for teams and AI agents. JSON field names are snake_case, \
                        times are UTC ISO-8601. Errors are RFC 9457 problem+json. Lists take `limit` \
                        (default 50, max 500) and `offset` and return `{items, total, limit, offset}`. \
                        Boards and tasks carry an `ETag` (their version); writes accept `If-Match` (`*` or a \
                        list of ETags, any of which may be current) and honour `If-None-Match` (`*` is a 412 \
                        on an existing resource), and POSTs accept an `Idempotency-Key`."""));
    }

    /**
     * Schemas as they appear on the wire: springdoc describes models with its own (Jackson 2) mapper,
     * which does not know the application's snake_case naming.
     */
    @Bean
    ModelResolver snakeCaseModels() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }
}
